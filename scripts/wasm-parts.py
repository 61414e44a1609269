#!/usr/bin/env python3
"""What a page's wasm is made of: each crate's share of the code, and the data, gzipped.

    wasm-bindgen --target web --no-typescript --keep-debug --out-dir /tmp/parts --out-name page \
        target/wasm32-unknown-unknown/web/mta-sts-web.wasm
    worker/node_modules/.bin/wasm-opt -Oz --debuginfo /tmp/parts/page_bg.wasm -o /tmp/parts/page.wasm
    python3 scripts/wasm-parts.py /tmp/parts/page.wasm [crates N | top N | grep REGEX]

The build must keep the name section (`--keep-debug`, `--debuginfo`); otherwise it is the build www/build.sh
makes. A crate's share is its functions' bodies compressed together (zlib level 9, as gzip -9), so the
shares add up to more than the whole, which compresses better. Generic functions count for the crate their
name starts with (`<T as tachys::…>` is `T`); `?` marks names no crate could be read from.
"""
import collections
import re
import sys
import zlib


def leb(b, i):
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def sections(b):
    if b[:4] != b'\0asm':
        sys.exit(f'{sys.argv[1]} is not a wasm module')
    i = 8
    while i < len(b):
        sid = b[i]
        size, i = leb(b, i + 1)
        yield sid, b[i:i + size]
        i += size


def skip_limits(s, i):
    flags, i = leb(s, i)
    _, i = leb(s, i)
    if flags & 1:
        _, i = leb(s, i)
    return i


def parse(path):
    """The module's imported function count, function bodies, function names and data segments."""
    b = open(path, 'rb').read()
    imported, bodies, names, data = 0, [], {}, []
    for sid, s in sections(b):
        if sid == 2:  # imports: function indices start after the imported functions
            n, i = leb(s, 0)
            for _ in range(n):
                for _ in range(2):  # module and field names
                    length, i = leb(s, i)
                    i += length
                kind = s[i]
                i += 1
                if kind == 0:
                    _, i = leb(s, i)
                    imported += 1
                elif kind == 1:
                    i = skip_limits(s, i + 1)
                elif kind == 2:
                    i = skip_limits(s, i)
                elif kind == 3:
                    i += 2
        elif sid == 10:  # code
            n, i = leb(s, 0)
            for _ in range(n):
                length, i = leb(s, i)
                bodies.append(s[i:i + length])
                i += length
        elif sid == 11:  # data: active segments with a constant offset
            n, i = leb(s, 0)
            for _ in range(n):
                flags, i = leb(s, i)
                if flags == 2:
                    _, i = leb(s, i)
                if flags in (0, 2):
                    while s[i] != 0x0B:
                        i += 1
                    i += 1
                length, i = leb(s, i)
                data.append(s[i:i + length])
                i += length
        elif sid == 0:  # custom: the name section's function names
            length, i = leb(s, 0)
            if s[i:i + length] != b'name':
                continue
            i += length
            while i < len(s):
                sub = s[i]
                size, i = leb(s, i + 1)
                end = i + size
                if sub == 1:
                    n, j = leb(s, i)
                    for _ in range(n):
                        index, j = leb(s, j)
                        length, j = leb(s, j)
                        names[index] = s[j:j + length].decode('utf8', 'replace')
                        j += length
                i = end
    if not names:
        sys.exit('the module has no function names: build it with --keep-debug and wasm-opt --debuginfo')
    return imported, bodies, names, data


def crate_of(name):
    generic = re.match(r'^<+([A-Za-z_][A-Za-z0-9_]*)', name)
    if generic:
        return generic.group(1)
    path = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::', name)
    return path.group(1) if path else '?' + name[:20]


def gz(chunks):
    return len(zlib.compress(b''.join(chunks), 9))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    imported, bodies, names, data = parse(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else 'crates'
    functions = [(names.get(imported + k, f'function {imported + k}'), body) for k, body in enumerate(bodies)]
    print(f'code: {sum(map(len, bodies))} bytes, {gz(bodies)} gzipped, in {len(bodies)} functions')
    print(f'data: {sum(map(len, data))} bytes, {gz(data)} gzipped')
    if mode == 'crates':
        crates = collections.defaultdict(list)
        for name, body in functions:
            crates[crate_of(name)].append(body)
        rows = sorted(((gz(b), sum(map(len, b)), len(b), c) for c, b in crates.items()), reverse=True)
        limit = int(sys.argv[3]) if len(sys.argv) > 3 else 30
        print(f'{"gzipped":>8} {"bytes":>8} {"fns":>5}  crate')
        for packed, raw, count, crate in rows[:limit]:
            print(f'{packed:8d} {raw:8d} {count:5d}  {crate}')
    elif mode == 'top':
        for raw, name in sorted(((len(b), n) for n, b in functions), reverse=True)[:int(sys.argv[3])]:
            print(f'{raw:8d}  {name[:160]}')
    elif mode == 'grep':
        pattern = re.compile(sys.argv[3])
        matched = [(n, b) for n, b in functions if pattern.search(n)]
        for name, body in matched:
            print(f'{len(body):8d}  {name[:160]}')
        print(f'{sum(len(b) for _, b in matched)} bytes, {gz([b for _, b in matched])} gzipped')
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
