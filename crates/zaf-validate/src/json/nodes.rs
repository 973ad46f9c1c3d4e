//! Counting a document's JSON values before parsing it, so a package past the bound is refused
//! without building its tree.

/// At least as many as the values and keys `parse` makes of `bytes` (one for each string,
/// number, literal, `[` and `{` outside strings and comments), counted without building them.
pub fn nodes(bytes: &[u8]) -> u64 {
    let mut count = 0;
    let mut i = 0;
    let mut in_scalar = false;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        let scalar = !matches!(
            b,
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'[' | b']' | b'{' | b'}' | b',' | b':' | b'/'
        );
        if scalar && !in_scalar {
            count += 1;
        }
        in_scalar = scalar;
        match (b, bytes.get(i)) {
            (b'"', _) => {
                count += 1;
                // To the closing quote, over escaped characters.
                while let Some(&c) = bytes.get(i) {
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                }
            }
            (b'[' | b'{', _) => count += 1,
            (b'/', Some(b'*')) => {
                let body = bytes.get(i + 1..).unwrap_or_default();
                i = body
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(bytes.len(), |end| i + 1 + end + 2);
            }
            (b'/', Some(b'/')) => {
                let body = bytes.get(i + 1..).unwrap_or_default();
                i = body
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |end| i + 1 + end + 1);
            }
            _ => {}
        }
    }
    count
}
