//! `Retry-After`, as seconds to wait: delta-seconds or an HTTP date (IMF-fixdate), read without
//! a date library.

/// A `Retry-After` is honoured up to a day; beyond that it is taken as a day.
pub const MAX_RETRY_AFTER_S: u32 = 86_400;

/// `Retry-After` as seconds from now: delta-seconds, or an HTTP date (IMF-fixdate).
/// `0` and a date in the past mean "now"; anything over a day is a day.
pub fn retry_after_seconds(value: &str, now_ms: f64) -> Option<u32> {
    let value = value.trim();
    let seconds = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse::<u64>().unwrap_or(u64::MAX)
    } else {
        let at_ms = http_date_ms(value)?;
        let delta_ms = (at_ms - now_ms).max(0.0);
        (delta_ms / 1000.0).ceil() as u64
    };
    Some(seconds.min(u64::from(MAX_RETRY_AFTER_S)) as u32)
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` into milliseconds since the epoch.
fn http_date_ms(value: &str) -> Option<f64> {
    let rest = value.split_once(',')?.1.strip_prefix(' ')?;
    let mut parts = rest.split(' ');
    // Each number is read as a u64 (the parser the delta-seconds need anyway), then signed.
    let number = |part: &str| part.parse::<u64>().ok().and_then(|n| i64::try_from(n).ok());
    let day = number(parts.next()?)?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = number(parts.next()?)?;
    let mut clock = parts.next()?.split(':').map(number);
    let (h, m, s) = (clock.next()??, clock.next()??, clock.next()??);
    // A year past 9999 is no date (and would overflow the arithmetic below).
    if parts.next()? != "GMT"
        || !(1..=31).contains(&day)
        || year > 9999
        || h > 23
        || m > 59
        || s > 60
    {
        return None;
    }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + m * 60 + s) * 1000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_in_both_forms() {
        let now = http_date_ms("Wed, 25 Nov 2026 10:00:00 GMT").expect("date");
        assert_eq!(now, 1_795_600_800_000.0);
        assert_eq!(retry_after_seconds("30", now), Some(30));
        assert_eq!(retry_after_seconds(" 7 ", now), Some(7));
        assert_eq!(retry_after_seconds("0", now), Some(0));
        assert_eq!(
            retry_after_seconds("999999999", now),
            Some(MAX_RETRY_AFTER_S)
        );
        assert_eq!(
            retry_after_seconds("99999999999999999999999", now),
            Some(MAX_RETRY_AFTER_S)
        );
        assert_eq!(
            retry_after_seconds("Wed, 25 Nov 2026 10:01:30 GMT", now),
            Some(90)
        );
        assert_eq!(
            retry_after_seconds("Wed, 25 Nov 2026 09:00:00 GMT", now),
            Some(0)
        );
        for bad in [
            "soon",
            "-5",
            "+5",
            "Wed, 25 Nov 2026 10:01:30 CET",
            "Wed, 32 Nov 2026 10:00:00 GMT",
            "Wed, 25 Nov 99999999999999 10:00:00 GMT",
            "Wed, 25 Nov 9223372036854775808 10:00:00 GMT",
            "Wed,25 Nov 2026 10:00:00 GMT",
            "",
        ] {
            assert_eq!(retry_after_seconds(bad, now), None, "{bad:?}");
        }
    }
}
