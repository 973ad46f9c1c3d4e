//! What the admin page's actions on an account tell the integration: Pull now reads the
//! manifest again, and removing the account sends its `destroy_integration_instance` event.

use crate::vendor::{TestCa, Vendor};
use crate::{account, common, eventually, start};
use serde_json::json;

#[tokio::test]
async fn removing_an_account_and_pulling_now_tell_the_integration() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;
    let sandbox = start(&vendor, Some(&ca)).await;
    let id = account(&sandbox);
    let host = format!("http://{}", sandbox.host_addr);
    // Pull now reads the manifest again: a pull_url moved to nowhere is used at once.
    *vendor.state.manifest.lock().expect("manifest") =
        json!({"urls": {"admin_ui": "./admin_ui", "pull_url": "./moved-pull"}});
    let r = common::http()
        .post(format!("{host}/admin/channels/{id}/pull"))
        .send()
        .await
        .expect("pull now");
    assert!(r.status().is_redirection());
    let last = sandbox
        .channel
        .desk
        .instance(id)
        .and_then(|i| i.last_pull)
        .expect("pulled");
    assert!(
        last.error.unwrap_or_default().contains("HTTP 404"),
        "the moved pull_url was used"
    );
    // The manifest back as it was (with its event_callback_url), installed again.
    *vendor.state.manifest.lock().expect("manifest") = json!({});
    let _ = common::http()
        .post(format!("{host}/admin/channels/install"))
        .send()
        .await;
    let r = common::http()
        .post(format!("{host}/admin/channels/{id}/remove"))
        .send()
        .await
        .expect("remove");
    assert!(r.status().is_redirection());
    assert!(sandbox.channel.desk.instance(id).is_none());
    eventually("destroy_integration_instance", || {
        vendor.state.events.lock().expect("events").iter().any(|e| {
            e["type_id"] == "destroy_integration_instance"
                && e["data"]["metadata"]
                    .as_str()
                    .unwrap_or("")
                    .contains("k-123")
        })
    })
    .await;
}
