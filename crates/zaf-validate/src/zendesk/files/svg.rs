//! Zendesk's rules on the package's SVGs: a bitmap inside one, and markup its sanitiser would
//! change, read a tag at a time.

use crate::package::Package;
use crate::zendesk::Out;

/// SVG elements Zendesk's sanitiser keeps.
const SVG_ELEMENTS: [&str; 41] = [
    "a",
    "animate",
    "animateColor",
    "animateMotion",
    "animateTransform",
    "circle",
    "clipPath",
    "defs",
    "desc",
    "ellipse",
    "feGaussianBlur",
    "filter",
    "font-face",
    "font-face-name",
    "font-face-src",
    "g",
    "glyph",
    "hkern",
    "linearGradient",
    "line",
    "marker",
    "mask",
    "metadata",
    "missing-glyph",
    "mpath",
    "path",
    "pattern",
    "polygon",
    "polyline",
    "radialGradient",
    "rect",
    "set",
    "stop",
    "svg",
    "switch",
    "symbol",
    "text",
    "textPath",
    "title",
    "tspan",
    "use",
];

pub fn svgs(package: &Package, out: &mut Out) {
    for (path, bytes) in package.listed() {
        if !(path.starts_with("assets/") && path.ends_with(".svg")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        // Read twice rather than kept: a tag at a time.
        if Tags::new(&text).any(|t| t.name == "image") {
            out.warning(
                "bitmap_in_svg",
                Some(path),
                format!(
                    "{path} contains an embedded bitmap and cannot be used as an app icon: Zendesk replaces it with a placeholder icon; draw it with vector shapes"
                ),
            );
        } else if let Some(why) = Tags::new(&text).find_map(|t| unsafe_tag(&t)) {
            out.warning(
                "sanitised_svg",
                Some(path),
                format!(
                    "Zendesk edits the markup of {path} ({why}) and it may not display as intended: remove it"
                ),
            );
        }
    }
}

struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The start tags of an XML text (declarations, comments and end tags skipped), one at a time.
struct Tags<'a> {
    rest: &'a str,
}

impl<'a> Tags<'a> {
    fn new(text: &'a str) -> Self {
        Self { rest: text }
    }
}

impl Iterator for Tags<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        while let Some(start) = self.rest.find('<') {
            let rest = &self.rest[start + 1..];
            if let Some(after) = rest.strip_prefix("!--") {
                self.rest = after.find("-->").map_or("", |end| &after[end + 3..]);
                continue;
            }
            if rest.starts_with(['?', '!', '/']) {
                self.rest = rest;
                continue;
            }
            let end = rest.find('>').unwrap_or(rest.len());
            let inner = rest[..end].trim_end_matches('/');
            let name_end = inner
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(inner.len());
            let name = inner[..name_end].to_string();
            let mut attributes = Vec::new();
            let mut attrs = &inner[name_end..];
            while let Some(eq) = attrs.find('=') {
                let attr_name = attrs[..eq].trim().to_string();
                let after = attrs[eq + 1..].trim_start();
                let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    break;
                };
                let body = &after[1..];
                let close = body.find(quote).unwrap_or(body.len());
                attributes.push((attr_name, body[..close].to_string()));
                attrs = body.get(close + 1..).unwrap_or("");
            }
            self.rest = &rest[end.min(rest.len())..];
            return Some(Tag { name, attributes });
        }
        self.rest = "";
        None
    }
}

/// Why the sanitiser would change this tag, if it would.
fn unsafe_tag(tag: &Tag) -> Option<String> {
    if !SVG_ELEMENTS.contains(&tag.name.as_str()) {
        return Some(format!("the <{}> element", tag.name));
    }
    for (name, value) in &tag.attributes {
        let lower = name.to_ascii_lowercase();
        let value_lower = value.to_ascii_lowercase();
        if lower.starts_with("on") {
            return Some(format!("the {name} event handler"));
        }
        if (lower == "href" || lower == "xlink:href")
            && (value_lower.trim_start().starts_with("javascript:")
                || value_lower.trim_start().starts_with("data:"))
        {
            return Some(format!("a script or data link in {name}"));
        }
        if lower == "style" && (value_lower.contains("expression(") || value_lower.contains("url("))
        {
            return Some("a style with expression() or url()".into());
        }
    }
    None
}
