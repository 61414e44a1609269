//! Reading what the user gave: files, standard input, and records as raw bytes.

use std::ffi::OsString;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use crate::Failure;

/// Bytes read from a file or standard input, with the name to use in messages.
pub(crate) struct Input {
    pub(crate) label: String,
    pub(crate) bytes: Vec<u8>,
}

/// `io::Error`'s text without the `(os error 2)` suffix, which means nothing to most readers.
fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// Reads FILE, or standard input when the path is absent or `-`.
pub(crate) fn read(path: Option<&Path>, what: &str) -> Result<Input, Failure> {
    match path {
        Some(path) if path != Path::new("-") => {
            let label = path.display().to_string();
            std::fs::read(path).map(|bytes| Input { label: label.clone(), bytes }).map_err(|e| {
                Failure(format!(
                    "cannot read {label}: {}. Give the path of the {what}, or - to read standard input.",
                    io_reason(&e)
                ))
            })
        }
        _ => read_stdin(what),
    }
}

fn read_stdin(what: &str) -> Result<Input, Failure> {
    let mut stdin = std::io::stdin().lock();
    if stdin.is_terminal() {
        // Without this, a user who forgot the argument sees a command that seems to hang.
        eprintln!("Reading the {what} from standard input; end it with Ctrl-D.");
    }
    let mut bytes = Vec::new();
    stdin.read_to_end(&mut bytes).map_err(|e| {
        Failure(format!("cannot read standard input: {}. Give the {what} as a file path instead.", io_reason(&e)))
    })?;
    Ok(Input { label: "standard input".to_owned(), bytes })
}

/// The TXT records of a record set: each argument one record, or one record per line of standard input.
pub(crate) fn records(args: &[OsString], what: &str) -> Result<Vec<Vec<u8>>, Failure> {
    if !args.is_empty() {
        return Ok(args.iter().map(os_bytes).collect());
    }
    let input = read_stdin(&format!("{what}s, one per line,"))?;
    Ok(lines(&input.bytes))
}

/// Splits on LF and drops a CR before it (files edited on Windows), skipping empty lines: a TXT
/// record cannot hold a line break, so a blank line is layout, not an empty record.
pub(crate) fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// Arguments keep their bytes where the platform allows it, so non-UTF-8 records reach the parser as
/// they are (the parser, not the shell, reports them).
#[cfg(unix)]
fn os_bytes(arg: &OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt as _;
    arg.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(arg: &OsString) -> Vec<u8> {
    arg.to_string_lossy().into_owned().into_bytes()
}

/// The name to show for an optional path argument.
pub(crate) fn label(path: Option<&PathBuf>) -> String {
    match path {
        Some(p) if p != Path::new("-") => p.display().to_string(),
        _ => "standard input".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_drop_cr_and_blank_lines() {
        assert_eq!(lines(b"a\r\n\nb\n"), vec![b"a".to_vec(), b"b".to_vec()]);
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn io_reasons_lose_the_os_error_number() {
        let e = std::io::Error::from_raw_os_error(2);
        assert!(!io_reason(&e).contains("os error"));
    }
}
