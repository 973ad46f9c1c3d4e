//! Installing a vendor's integration: refused, and said what to do, without its CA; with it,
//! installed, its health checked, the account's push credentials handed over and its event sent.

use crate::vendor::{TestCa, Vendor};
use crate::{account, common, eventually, start};
use sandbox::zendesk::channel::Install;

#[tokio::test]
async fn installs_with_its_own_ca_and_says_what_to_do_without() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;

    let untrusted = start(&vendor, None).await;
    let Install::Failed { error } = untrusted.channel.desk.install() else {
        panic!("installed from a CA nobody trusts");
    };
    let admin = common::text_of(&format!("http://{}/admin/channels", untrusted.host_addr)).await;
    assert!(admin.contains("--integration-ca"), "{error}\n{admin}");
    drop(untrusted);

    let sandbox = start(&vendor, Some(&ca)).await;
    let Install::Installed { manifest } = sandbox.channel.desk.install() else {
        panic!("not installed: {:?}", sandbox.channel.desk.install());
    };
    assert_eq!(manifest.name, "Vendor Echo");
    assert_eq!(
        sandbox.channel.health().map(|h| h.result),
        Some(Ok(200)),
        "the health check was called"
    );
    let id = account(&sandbox);
    let instance = sandbox.channel.desk.instance(id).expect("instance");
    let push = vendor.state.push.lock().expect("push").clone();
    assert_eq!(push.len(), 1, "the admin UI got the push credentials");
    assert_eq!(instance.push_id.as_deref(), Some(push[0].0.as_str()));
    eventually("create_integration_instance", || {
        vendor.state.event_types() == ["create_integration_instance"]
    })
    .await;
    let admin = common::text_of(&format!("http://{}/admin/channels", sandbox.host_addr)).await;
    for wanted in [
        "data-health=\"ok\"",
        "id=\"about-link\"",
        "id=\"dashboard-link\"",
        "create_integration_instance",
    ] {
        assert!(admin.contains(wanted), "{wanted} on the admin page");
    }
}
