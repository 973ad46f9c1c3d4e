//! HTML helpers: escaping what pages echo, and reading the forms of a page the way a browser
//! would submit them (what the start-up script needs to go through an admin UI).

/// Escapes text for HTML element content and quoted attribute values (the integration's own
/// escaping: one way to escape in the workspace).
pub use heart_integration::html::escape as escape_html;

/// Percent-encodes one URL path segment (keeps `A-Z a-z 0-9 - . _ ~ :`).
pub fn escape_path_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A form on a page: where it posts and the fields a submit would send.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    pub action: Option<String>,
    pub method: String,
    pub fields: Vec<FormField>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormField {
    pub name: String,
    pub value: String,
    /// `text`, `password`, `hidden`, `textarea`, …
    pub kind: String,
}

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }

    /// Types `value` into the field `name`; `false` if the form has no such field.
    pub fn set(&mut self, name: &str, value: &str) -> bool {
        match self.fields.iter_mut().find(|f| f.name == name) {
            Some(f) => {
                f.value = value.to_owned();
                true
            }
            None => false,
        }
    }

    pub fn pairs(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect()
    }
}

/// Decodes the character references HTML allows in attribute values and text.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(';').map(|i| i + 1).filter(|&i| i <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A start tag: its lower-case name and attributes (values decoded).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses the tag starting right after `<`; returns it and the rest after `>`.
fn start_tag(s: &str) -> Option<(Tag, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let name = s[..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        if bytes[i] == b'>' {
            return Some((Tag { name, attrs }, &s[i + 1..]));
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        let attr = s[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let end = s[i + 1..].find(char::from(quote))? + i + 1;
                value = decode_entities(&s[i + 1..end]);
                i = end + 1;
            } else {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&s[start..i]);
            }
        }
        if !attr.is_empty() {
            attrs.push((attr, value));
        }
    }
}

/// The page's forms with their `input`s and `textarea`s, as a submit would send them (no
/// `disabled` fields, unchecked checkboxes left out). Script and style contents are skipped.
pub fn forms(html: &str) -> Vec<Form> {
    let mut forms: Vec<Form> = Vec::new();
    let mut open = false;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
            continue;
        }
        if let Some(end) = rest.strip_prefix('/') {
            if end.len() >= 4 && end[..4].eq_ignore_ascii_case("form") {
                open = false;
            }
            continue;
        }
        let Some((tag, after)) = start_tag(rest) else {
            continue;
        };
        rest = after;
        match tag.name.as_str() {
            "script" | "style" => {
                let close = format!("</{}", tag.name);
                let lower = rest.to_ascii_lowercase();
                rest = lower.find(&close).map_or("", |e| &rest[e..]);
            }
            "form" => {
                forms.push(Form {
                    action: tag.attr("action").map(str::to_owned),
                    method: tag.attr("method").unwrap_or("get").to_ascii_lowercase(),
                    fields: Vec::new(),
                });
                open = true;
            }
            "input" | "textarea" if open => {
                let Some(name) = tag.attr("name").filter(|n| !n.is_empty()) else {
                    continue;
                };
                let kind = if tag.name == "textarea" {
                    "textarea".to_owned()
                } else {
                    tag.attr("type").unwrap_or("text").to_ascii_lowercase()
                };
                if tag.attr("disabled").is_some()
                    || matches!(
                        kind.as_str(),
                        "submit" | "button" | "reset" | "image" | "file"
                    )
                    || (matches!(kind.as_str(), "checkbox" | "radio")
                        && tag.attr("checked").is_none())
                {
                    continue;
                }
                let value = if tag.name == "textarea" {
                    let lower = rest.to_ascii_lowercase();
                    let end = lower.find("</textarea").unwrap_or(rest.len());
                    let text = decode_entities(&rest[..end]);
                    rest = &rest[end..];
                    text.strip_prefix('\n').map(str::to_owned).unwrap_or(text)
                } else {
                    tag.attr("value").map(str::to_owned).unwrap_or_else(|| {
                        if kind == "checkbox" {
                            "on".into()
                        } else {
                            String::new()
                        }
                    })
                };
                if let Some(form) = forms.last_mut() {
                    form.fields.push(FormField {
                        name: name.to_owned(),
                        value,
                        kind,
                    });
                }
            }
            _ => {}
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_decodes() {
        let nasty = "<script>\"x\" & 'y'</script>";
        let escaped = escape_html(nasty);
        assert!(!escaped.contains('<') && !escaped.contains('"') && !escaped.contains('\''));
        assert_eq!(decode_entities(&escaped), nasty);
        assert_eq!(
            decode_entities("&#233;&#xE9; &unknown; & a"),
            "éé &unknown; & a"
        );
        assert_eq!(escape_path_segment("ig:1/2 x"), "ig:1%2F2%20x");
    }

    #[test]
    fn reads_forms_as_a_browser_submits_them() {
        let html = r#"<!doctype html><html><body>
            <!-- <form action="/commented"><input name="no"></form> -->
            <script>var s = "<form action='/in-script'><input name='no'>";</script>
            <input name="outside" value="x">
            <FORM method=POST action="admin_ui/save?x=1&amp;y=2" id=f>
              <input type="hidden" name="return_url" value="http://localhost:4567/r?a=1&amp;b=&quot;2&quot;">
              <label>Token <input type=password name=token></label>
              <input name='account' value='omni&#39;wear'>
              <input type="checkbox" name="import">
              <input type="checkbox" name="keep" checked>
              <input name="gone" value="1" disabled>
              <textarea name="note">
line &lt;1&gt;</textarea>
              <button type="submit">Save</button><input type="submit" name="go" value="Go">
            </form>
            <form action="/second"><input name="q"></form>
            </body></html>"#;
        let forms = forms(html);
        assert_eq!(forms.len(), 2, "{forms:?}");
        let f = &forms[0];
        assert_eq!(f.action.as_deref(), Some("admin_ui/save?x=1&y=2"));
        assert_eq!(f.method, "post");
        assert_eq!(
            f.get("return_url"),
            Some("http://localhost:4567/r?a=1&b=\"2\"")
        );
        assert_eq!(f.get("account"), Some("omni'wear"));
        assert_eq!(f.get("token"), Some(""));
        assert_eq!(f.get("keep"), Some("on"));
        assert_eq!(f.get("note"), Some("line <1>"));
        for absent in ["import", "gone", "go", "outside", "no"] {
            assert_eq!(f.get(absent), None, "{absent}");
        }
        assert_eq!(forms[1].method, "get");
        let mut f = f.clone();
        assert!(f.set("token", "secret") && !f.set("nope", "x"));
        assert!(f.pairs().contains(&("token".into(), "secret".into())));
    }
}
