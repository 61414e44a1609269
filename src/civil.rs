//! Unix seconds to UTC calendar time, for record ids and certificate dates (no clock, no time crate).

/// `(year, month, day, hour, minute, second)` in UTC.
pub(crate) fn from_unix(unix: u64) -> (u64, u64, u64, u64, u64, u64) {
    let rem = unix % 86_400;
    // Days since 1970 of a u64 instant fit an i64, and the date they give is never before 1970.
    let (year, month, day) = civil_from_days((unix / 86_400).cast_signed());
    (year.cast_unsigned(), month.cast_unsigned(), day.cast_unsigned(), rem / 3_600, rem % 3_600 / 60, rem % 60)
}

/// Howard Hinnant's `civil_from_days`: the proleptic Gregorian `(year, month, day)` of a count of days
/// since 1970-01-01 (negative before it).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Howard Hinnant's `days_from_civil`, the inverse of [`civil_from_days`].
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD hh:mm:ss UTC`.
pub fn format_utc(unix: u64) -> String {
    let (y, mo, d, h, mi, s) = from_unix(unix);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// `YYYYMMDDhhmmss`: 14 digits, a valid `sts-id` (RFC 8461 §3.1: 1*32(ALPHA / DIGIT)).
///
/// Written digit by digit: `format!` with six padded fields cost `evaluate` more than its whole date
/// arithmetic (it makes the id that every fix suggests).
pub(crate) fn compact(unix: u64) -> String {
    let (y, mo, d, h, mi, s) = from_unix(unix);
    let mut id = String::with_capacity(14);
    for (value, width) in [(y, 4), (mo, 2), (d, 2), (h, 2), (mi, 2), (s, 2)] {
        push_padded(&mut id, value, width);
    }
    id
}

/// `value` in decimal with leading zeros to at least `width` digits: what `{value:0width$}` writes.
fn push_padded(out: &mut String, value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let (mut rest, mut len) = (value, 0);
    loop {
        digits[digits.len() - 1 - len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
        if rest == 0 {
            break;
        }
    }
    let start = digits.len() - len.max(width);
    out.extend(digits[start..].iter().map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        for (unix, text) in [
            (0, "1970-01-01 00:00:00 UTC"),
            (951_782_400, "2000-02-29 00:00:00 UTC"),
            (1_700_000_000, "2023-11-14 22:13:20 UTC"),
            (1_795_867_200, "2026-11-28 12:00:00 UTC"),
            (4_107_542_399, "2100-02-28 23:59:59 UTC"),
            (4_107_542_400, "2100-03-01 00:00:00 UTC"), // 2100 is not a leap year
        ] {
            assert_eq!(format_utc(unix), text);
        }
        assert_eq!(compact(1_700_000_000), "20231114221320");
        for unix in [0, 951_782_400, 1_795_867_200, 4_107_542_400, 253_402_300_799, 253_402_300_800, u64::MAX / 1_000] {
            let (y, mo, d, h, mi, s) = from_unix(unix);
            assert_eq!(compact(unix), format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"), "{unix}");
        }
        for value in [0, 7, 42, 999, 1_000, 12_345, u64::MAX] {
            for width in [0, 2, 4] {
                let mut out = String::new();
                push_padded(&mut out, value, width);
                assert_eq!(out, format!("{value:0width$}"));
            }
        }
    }

    #[test]
    fn civil_from_days_matches_a_day_by_day_walk() {
        let (mut y, mut m, mut d) = (1970, 1, 1);
        for days in 0..200_000 {
            assert_eq!(
                {
                    let (y, m, d, ..) = from_unix(days * 86_400);
                    (y, m, d)
                },
                (y, m, d),
                "day {days}"
            );
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(m - 1) as usize];
            d += 1;
            if d > len {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }
}
