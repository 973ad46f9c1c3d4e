//! Text from outside, cut to size: [`clip`] keeps at most so many bytes, on a character
//! boundary, and says how much it left out. With, for tests, [`at_every_offset`]: a text with
//! multi-byte characters put at each of its offsets, for every parser of outside text.

/// Cuts `text` to at most `max` bytes (on a character boundary) and notes how many it left out.
pub fn clip(text: &mut String, max: usize) {
    clip_noting(text, max, 0);
}

/// [`clip`], for a text that is itself the start of a longer one: `before` more bytes were left
/// out already.
pub fn clip_noting(text: &mut String, max: usize, before: usize) {
    let cut = text.floor_char_boundary(max);
    let left_out = text.len() - cut + before;
    if left_out == 0 {
        return;
    }
    text.truncate(cut);
    text.push_str(&format!("… [{left_out} more bytes]"));
}

/// The start of `text`, at most `max` bytes (on a character boundary), and how many it leaves out.
pub fn head(text: &str, max: usize) -> (&str, usize) {
    let cut = text.floor_char_boundary(max);
    (&text[..cut], text.len() - cut)
}

/// [`clip`] on an optional text.
pub fn clip_opt(text: &mut Option<String>, max: usize) {
    if let Some(t) = text {
        clip(t, max);
    }
}

/// Multi-byte characters of every UTF-8 length (2, 3 and 4 bytes), and a combining mark.
#[cfg(test)]
pub const MULTI_BYTE: [&str; 4] = ["é", "€", "😀", "e\u{301}"];

/// Calls `check` with `base` with each of [`MULTI_BYTE`] put at each offset of `base` (every
/// byte offset when `base` is ASCII), and with `base` cut there and the character appended.
#[cfg(test)]
pub fn at_every_offset(base: &str, mut check: impl FnMut(&str)) {
    for c in MULTI_BYTE {
        for at in (0..=base.len()).filter(|&i| base.is_char_boundary(i)) {
            check(&format!("{}{c}{}", &base[..at], &base[at..]));
            check(&format!("{}{c}", &base[..at]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_on_a_character_boundary_and_says_how_much_went() {
        let mut short = "abc".to_owned();
        clip(&mut short, 3);
        assert_eq!(short, "abc");
        let mut s = "ab€cd".to_owned(); // € is bytes 2..5
        clip(&mut s, 3);
        assert_eq!(s, "ab… [5 more bytes]");
        at_every_offset("0123456789", |text| {
            for max in 0..=text.len() {
                let mut t = text.to_owned();
                clip(&mut t, max);
                let kept = t.split("… [").next().unwrap_or_default();
                assert!(
                    kept.len() <= max && text.starts_with(kept),
                    "{text:?} {max}"
                );
            }
        });
        let (start, rest) = head("ab€cd", 4);
        assert_eq!((start, rest), ("ab", 5));
        let mut start = start.to_owned();
        clip_noting(&mut start, 10, rest);
        assert_eq!(start, "ab… [5 more bytes]");
        let mut none = None;
        clip_opt(&mut none, 1);
        assert_eq!(none, None);
    }
}
