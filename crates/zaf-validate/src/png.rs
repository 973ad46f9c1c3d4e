//! Just enough PNG reading for the package rules: size, colour type, transparency.
//! (CRCs are not checked: the rules need the header, not the pixels.)

pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngInfo {
    pub width: u32,
    pub height: u32,
    pub bit_depth: u8,
    /// 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA.
    pub colour_type: u8,
    /// A `tRNS` chunk (transparency for colour types 0, 2, 3) comes before the image data.
    pub has_trns: bool,
}

impl PngInfo {
    /// An alpha channel (grey+alpha, RGBA) or a transparency chunk.
    pub fn has_alpha(&self) -> bool {
        matches!(self.colour_type, 4 | 6) || self.has_trns
    }
}

/// Reads the signature, IHDR and the chunk list up to IDAT.
pub fn read(bytes: &[u8]) -> Result<PngInfo, String> {
    let rest = bytes
        .strip_prefix(&SIGNATURE)
        .ok_or("not a PNG (bad signature)")?;
    let mut chunks = Chunks { rest };
    let (kind, ihdr) = chunks.next().ok_or("truncated PNG: no IHDR chunk")??;
    if kind != *b"IHDR" || ihdr.len() != 13 {
        return Err("malformed PNG: the first chunk is not a 13-byte IHDR".into());
    }
    let be32 = |at: usize| u32::from_be_bytes([ihdr[at], ihdr[at + 1], ihdr[at + 2], ihdr[at + 3]]);
    let mut info = PngInfo {
        width: be32(0),
        height: be32(4),
        bit_depth: ihdr[8],
        colour_type: ihdr[9],
        has_trns: false,
    };
    if info.width == 0 || info.height == 0 {
        return Err("malformed PNG: zero width or height".into());
    }
    if !matches!(info.colour_type, 0 | 2 | 3 | 4 | 6) {
        return Err(format!("malformed PNG: colour type {}", info.colour_type));
    }
    for chunk in chunks {
        let (kind, _) = chunk?;
        match &kind {
            b"tRNS" => info.has_trns = true,
            b"IDAT" | b"IEND" => break,
            _ => {}
        }
    }
    Ok(info)
}

struct Chunks<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<([u8; 4], &'a [u8]), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let Some((head, after)) = self.rest.split_at_checked(8) else {
            self.rest = &[];
            return Some(Err("truncated PNG chunk header".into()));
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        // Data, then a 4-byte CRC.
        let Some((data, after)) = after.split_at_checked(len) else {
            self.rest = &[];
            return Some(Err("truncated PNG chunk".into()));
        };
        let Some((_crc, after)) = after.split_at_checked(4) else {
            self.rest = &[];
            return Some(Err("truncated PNG chunk CRC".into()));
        };
        self.rest = after;
        Some(Ok((kind, data)))
    }
}

/// A minimal PNG header (signature, IHDR, optional tRNS, empty IDAT, IEND), enough for these
/// rules, for tests. CRCs are zero: the reader does not check them.
pub fn minimal(width: u32, height: u32, colour_type: u8, trns: bool) -> Vec<u8> {
    let mut out = SIGNATURE.to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&[0; 4]);
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, colour_type, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    if trns {
        chunk(b"tRNS", &[0, 0]);
    }
    chunk(b"IDAT", &[]);
    chunk(b"IEND", &[]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_header() {
        let info = read(&minimal(320, 200, 6, false)).expect("valid PNG");
        assert_eq!((info.width, info.height, info.colour_type), (320, 200, 6));
        assert!(info.has_alpha());
    }

    #[test]
    fn transparency_chunk_counts_as_alpha() {
        assert!(!read(&minimal(1, 1, 2, false)).expect("valid").has_alpha());
        assert!(read(&minimal(1, 1, 2, true)).expect("valid").has_alpha());
        assert!(read(&minimal(1, 1, 3, true)).expect("valid").has_alpha());
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(
            read(b"GIF89a").err().as_deref(),
            Some("not a PNG (bad signature)")
        );
        let png = minimal(4, 4, 6, false);
        assert!(read(&png[..20]).is_err());
        assert!(read(&minimal(0, 4, 6, false)).is_err());
        assert!(read(&minimal(4, 4, 5, false)).is_err());
    }
}
