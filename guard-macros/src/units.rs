//! Duration and size literals of `#[retryable_actor]` arguments: `"100ms"`, `"30s"`, `"5m"`,
//! `"1h"`; `"64KiB"`, `"1MiB"`, `"10KB"`, `4096`.

use std::time::Duration;

const DURATION_UNITS: &[(&str, u128)] = &[
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60 * 1_000_000_000),
    ("h", 3_600 * 1_000_000_000),
];

const SIZE_UNITS: &[(&str, u128)] = &[
    ("", 1),
    ("b", 1),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
];

/// Parses `"<number><unit>"` with unit `ms`, `s`, `m` or `h`; the number may have a fraction.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let expected =
        "expected a number and a unit: `ms`, `s`, `m` or `h` (e.g. \"100ms\", \"30s\", \"5m\")";
    let (number, unit) = split_number(text);
    if number.is_empty() {
        return Err(format!("invalid duration \"{text}\": {expected}"));
    }
    let Some(&(_, scale)) = DURATION_UNITS.iter().find(|(name, _)| *name == unit) else {
        let hint = if unit.is_empty() {
            "the unit is missing".to_owned()
        } else {
            format!("unknown unit `{unit}`")
        };
        return Err(format!("invalid duration \"{text}\": {hint}; {expected}"));
    };
    let nanos = scale_number(number, scale)
        .ok_or_else(|| format!("invalid duration \"{text}\": {expected}"))?;
    let secs = u64::try_from(nanos / 1_000_000_000)
        .map_err(|_| format!("duration \"{text}\" is too long"))?;
    let subsec = u32::try_from(nanos % 1_000_000_000).expect("below one second");
    Ok(Duration::new(secs, subsec))
}

/// Parses a byte size: `"4096"`, `"64KiB"`, `"1.5 MiB"`, `"10KB"` (KiB/MiB/GiB are powers of
/// 1024, KB/MB/GB powers of 1000; units are case-insensitive).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let expected = "expected bytes, optionally with a unit: KiB, MiB, GiB (1024) or KB, MB, GB (1000), e.g. \"64KiB\"";
    let (number, unit) = split_number(text);
    if number.is_empty() {
        return Err(format!("invalid size \"{text}\": {expected}"));
    }
    let lower = unit.to_ascii_lowercase();
    let Some(&(_, scale)) = SIZE_UNITS.iter().find(|(name, _)| *name == lower) else {
        return Err(format!(
            "invalid size \"{text}\": unknown unit `{unit}`; {expected}"
        ));
    };
    let bytes = scale_number(number, scale)
        .ok_or_else(|| format!("invalid size \"{text}\": {expected}"))?;
    u64::try_from(bytes).map_err(|_| format!("size \"{text}\" is too large"))
}

/// Splits `"1.5 MiB"` into `("1.5", "MiB")` (whitespace around the parts is ignored).
fn split_number(text: &str) -> (&str, &str) {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    (&text[..end], text[end..].trim())
}

/// `number * scale`, exactly, for a decimal `number` (digits, at most one `.`, `_` separators);
/// a fraction finer than one unit of the result is an error.
fn scale_number(number: &str, scale: u128) -> Option<u128> {
    let number = number.replace('_', "");
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (number.as_str(), ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut total = whole.checked_mul(scale)?;
    if !fraction.is_empty() {
        let digits: u128 = fraction.parse().ok()?;
        let denominator = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
        let scaled = digits.checked_mul(scale)?;
        if scaled % denominator != 0 {
            return None;
        }
        total = total.checked_add(scaled / denominator)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("100ms"), Ok(Duration::from_millis(100)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration(" 5m "), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1_000ms"), Ok(Duration::from_secs(1)));
        for bad in [
            "",
            "ms",
            "10",
            "10 sec",
            "1.2.3s",
            "-1s",
            "10d",
            "0.0000000001s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(
            parse_duration("10")
                .unwrap_err()
                .contains("unit is missing")
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64KiB"), Ok(65_536));
        assert_eq!(parse_size("1 MiB"), Ok(1 << 20));
        assert_eq!(parse_size("2gib"), Ok(2 << 30));
        assert_eq!(parse_size("10KB"), Ok(10_000));
        assert_eq!(parse_size("1.5MB"), Ok(1_500_000));
        assert_eq!(parse_size("3MB"), Ok(3_000_000));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("512B"), Ok(512));
        for bad in ["", "KiB", "10 bytes", "1.5", "64KiBs", "0.5B"] {
            assert!(parse_size(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
