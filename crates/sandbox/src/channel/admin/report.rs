//! Parts of the admin page that speak of the integration's answers: a refused answer field by
//! field ([`violations_table`]), what to do when the install failed ([`install_advice`]), and
//! the events sent to the integration ([`events_section`]).

use std::fmt::Write as _;

use super::super::events::Sent;
use super::super::form::escape_html as esc;
use super::super::limits::Violation;

/// The violations of Zendesk's limits as a table: the field's JSON path, the limit, what it is.
pub fn violations_table(violations: &[Violation]) -> String {
    if violations.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<table class=\"violations\"><thead><tr><th>field</th><th>Zendesk’s limit</th><th>found</th></tr></thead><tbody>",
    );
    for v in violations {
        let _ = write!(
            out,
            "<tr data-path=\"{p}\"><td><code>{p}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&v.limit),
            esc(&v.found),
            p = esc(&v.path),
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// What a person can do about an install that failed, from how it failed.
pub fn install_advice(error: &str) -> &'static str {
    let e = error.to_ascii_lowercase();
    if e.contains("certificate") || e.contains("unknownissuer") || e.contains("tls") {
        "The integration’s certificate is not trusted here. If your own CA signed it, start the \
         sandbox with <code>--integration-ca your-ca.pem</code> (<code>cargo xtask demo \
         --manifest-url … --integration-ca your-ca.pem</code>); a certificate from a public CA needs \
         nothing more. Then Try again."
    } else if e.contains("could not connect") || e.contains("connection refused") {
        "Nothing answers at that address. Start the integration service, or check the \
         <code>manifest_url</code> the package declares (<code>cargo xtask demo --manifest-url \
         https://…/manifest.json</code>). Then Try again."
    } else if e.contains("timed out") {
        "The integration did not answer in time. Check that it is running and answering, then Try again."
    } else if e.contains("limits") {
        "The manifest breaks Zendesk’s published limits (each field is named above): fix the \
         manifest, then Try again."
    } else {
        "Fix what is said above, then Try again."
    }
}

fn ago(now_ms: u64, at_ms: u64) -> String {
    format!("{} s ago", now_ms.saturating_sub(at_ms) / 1000)
}

/// The events sent to the integration's `event_callback_url`, newest first.
pub fn events_section(events: &[Sent], now_ms: u64) -> String {
    let mut out = String::from(
        "<section id=\"events\" class=\"wide\"><h2>Events sent to the integration</h2>",
    );
    if events.is_empty() {
        out.push_str(
            "<p class=\"note\" id=\"no-events\">None yet (only an integration whose manifest has an \
             <code>event_callback_url</code> gets them).</p></section>",
        );
        return out;
    }
    out.push_str(
        "<table id=\"events-table\"><thead><tr><th>When</th><th>Event</th><th>Delivered</th></tr></thead><tbody>",
    );
    for e in events.iter().rev() {
        let delivered = match &e.delivered {
            Ok(code) if (200..300).contains(code) => {
                format!("<span class=\"ok\">HTTP {code}</span>")
            }
            Ok(code) => format!("<span class=\"error\">HTTP {code}</span>"),
            Err(why) => format!("<span class=\"error\">{}</span>", esc(why)),
        };
        let _ = write!(
            out,
            "<tr data-type=\"{t}\"><td>{}</td><td><code>{t}</code> {}</td><td>{delivered}</td></tr>",
            ago(now_ms, e.at_ms),
            esc(e
                .summary
                .strip_prefix(&e.type_id)
                .unwrap_or(&e.summary)
                .trim_start_matches(": ")),
            t = esc(&e.type_id),
        );
    }
    out.push_str("</tbody></table></section>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_follows_the_failure() {
        assert!(
            install_advice("cannot reach …: invalid peer certificate: UnknownIssuer")
                .contains("--integration-ca")
        );
        assert!(
            install_advice("cannot reach …: could not connect: Connection refused")
                .contains("Nothing answers")
        );
        let table = violations_table(&[Violation {
            path: "external_resources[0].message".into(),
            limit: "1–65535 characters".into(),
            found: "65536 characters".into(),
        }]);
        assert!(table.contains("data-path=\"external_resources[0].message\""));
        assert!(table.contains("65536 characters"));
        assert_eq!(violations_table(&[]), "");
    }
}
