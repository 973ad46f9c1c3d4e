//! A JSON reader that accepts what Zendesk's validator accepts and keeps what it needs: objects in
//! their order, duplicate keys either refused (as Zendesk does for `manifest.json` and
//! `requirements.json`) or resolved to the last value (as for translation files).
//!
//! Zendesk parses with Ruby's `json` (2.6): any value at the top level, `/* … */` and `// …⏎`
//! comments as whitespace, any escaped character (`\q` is `q`), no raw control characters in
//! strings, no `NaN`/`Infinity`, no trailing commas.

use std::fmt;

mod index;
mod nodes;

pub(crate) use index::KeyIndex;
pub use nodes::nodes;

/// `Eq` and `Hash` hold: a number is its text, never a float.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number as written, and whether it is an integer (Ruby `Integer`) or not (`Float`).
    Num {
        text: String,
        integer: bool,
    },
    Str(String),
    Arr(Vec<Json>),
    Obj(Obj),
}

/// A JSON object with its keys in document order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Obj(pub Vec<(String, Json)>);

impl Obj {
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl Json {
    pub fn as_obj(&self) -> Option<&Obj> {
        match self {
            Json::Obj(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_arr(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_obj().and_then(|o| o.get(key))
    }

    /// What kind of value this is, for messages: "a string", "an object", …
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num { .. } => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }

    /// Compact JSON text.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num { text, .. } => out.push_str(text),
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(obj) => {
                out.push('{');
                for (i, (k, v)) in obj.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_compact())
    }
}

/// A JSON string literal for `s`.
pub fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// A key seen twice in one object is an error (Zendesk's `NoOverrideHash`).
    Refuse,
    /// The last value wins (a plain Ruby `Hash`).
    LastWins,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    /// The first key found twice in one object (in the order the parser meets them).
    DuplicateKey(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax {
                message,
                line,
                column,
            } => write!(f, "{message} at line {line}, column {column}"),
            ParseError::DuplicateKey(key) => write!(f, "the key {key:?} appears twice"),
        }
    }
}

/// Nesting deeper than this is refused rather than risking the stack (Ruby's limit is 100).
const MAX_DEPTH: usize = 100;

pub fn parse(bytes: &[u8], duplicates: Duplicates) -> Result<Json, ParseError> {
    let mut p = Parser {
        bytes,
        pos: 0,
        duplicates,
        depth: 0,
    };
    p.skip_ignored()?;
    if p.pos >= bytes.len() {
        return Err(p.error("unexpected end of input: the document is empty"));
    }
    let value = p.value()?;
    p.skip_ignored()?;
    if p.pos < bytes.len() {
        return Err(p.error("unexpected content after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    duplicates: Duplicates,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> ParseError {
        let before = &self.bytes[..self.pos.min(self.bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        ParseError::Syntax {
            message: message.to_string(),
            line,
            column,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Whitespace and comments.
    fn skip_ignored(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'/') => match self.bytes.get(self.pos + 1) {
                    Some(b'*') => {
                        let body = &self.bytes[self.pos + 2..];
                        match body.windows(2).position(|w| w == b"*/") {
                            Some(end) => self.pos += 2 + end + 2,
                            None => return Err(self.error("unterminated /* comment")),
                        }
                    }
                    Some(b'/') => {
                        let body = &self.bytes[self.pos + 2..];
                        match body.iter().position(|&b| b == b'\n') {
                            Some(end) => self.pos += 2 + end + 1,
                            // Ruby's grammar wants the newline that ends a `//` comment.
                            None => return Err(self.error("a // comment must end with a newline")),
                        }
                    }
                    _ => return Err(self.error("unexpected '/'")),
                },
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self) -> Result<Json, ParseError> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(_) => Err(self.error("unexpected character: expected a JSON value")),
            None => Err(self.error("unexpected end of input: expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("unexpected token"))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Json, ParseError> {
        self.enter()?;
        self.pos += 1; // {
        let mut obj = Obj::default();
        let mut index = KeyIndex::new();
        self.skip_ignored()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::Obj(obj));
        }
        loop {
            self.skip_ignored()?;
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.skip_ignored()?;
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':' after a key"));
            }
            self.pos += 1;
            self.skip_ignored()?;
            let value = self.value()?;
            // The value is read before the key is stored, as Ruby's parser does: a duplicate
            // inside the value is met first.
            let place = index.find(&obj.0, &key);
            match place.and_then(|i| obj.0.get_mut(i)) {
                Some(_) if self.duplicates == Duplicates::Refuse => {
                    return Err(ParseError::DuplicateKey(key));
                }
                Some(slot) => slot.1 = value,
                None => obj.0.push((key, value)),
            }
            self.skip_ignored()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    // A tree can hold millions of small objects: no room to spare in each.
                    obj.0.shrink_to_fit();
                    return Ok(Json::Obj(obj));
                }
                _ => return Err(self.error("expected ',' or '}' in an object")),
            }
        }
    }

    fn array(&mut self) -> Result<Json, ParseError> {
        self.enter()?;
        self.pos += 1; // [
        let mut items = Vec::new();
        self.skip_ignored()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::Arr(items));
        }
        loop {
            self.skip_ignored()?;
            items.push(self.value()?);
            self.skip_ignored()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    items.shrink_to_fit();
                    return Ok(Json::Arr(items));
                }
                _ => return Err(self.error("expected ',' or ']' in an array")),
            }
        }
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("a number needs digits")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error("a number needs digits after '.'"));
            }
            integer = false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("a number needs digits in its exponent"));
            }
            integer = false;
        }
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("a number may not have leading zeros"));
        }
        let text = String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned();
        Ok(Json::Num { text, integer })
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // "
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                0..=0x1f => return Err(self.error("a control character inside a string")),
                b'\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.error("unterminated string"));
                    };
                    self.pos += 1;
                    match e {
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&unit)
                                && self.bytes[self.pos..].starts_with(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                    char::from_u32(c)
                                } else {
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(unit)
                            };
                            let c = c.unwrap_or('\u{FFFD}');
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        0..=0x1f => {
                            return Err(self.error("a control character inside a string"));
                        }
                        // `\"`, `\\`, `\/` and, as Ruby allows, any other escaped character.
                        other => out.push(other),
                    }
                }
                _ => {
                    out.push(b);
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.error("\\u needs four hex digits"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("bad \\u escape"))?;
        let value = u32::from_str_radix(text, 16).map_err(|_| self.error("bad \\u escape"))?;
        self.pos += 4;
        Ok(value)
    }
}

#[cfg(test)]
mod tests;
