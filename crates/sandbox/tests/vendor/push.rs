//! The push API, answering as Zendesk's does: pushed resources, a wrong token, a resource over
//! the limits, `validate_token` and `channelback/report_error`.

use crate::vendor::{TestCa, Vendor, resource};
use crate::{account, common, start};
use serde_json::{Value, json};

#[tokio::test]
async fn the_push_api_answers_as_zendesks() {
    let ca = TestCa::new();
    let vendor = Vendor::start(&ca).await;
    let sandbox = start(&vendor, Some(&ca)).await;
    let _ = account(&sandbox);
    let (push_id, token) = vendor.state.push.lock().expect("push")[0].clone();
    let host = format!("http://{}", sandbox.host_addr);
    let post = |path: &'static str, token: String, body: Value| {
        let host = host.clone();
        async move {
            let r = common::http()
                .post(format!("{host}/api/v2/any_channel/{path}"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .expect("push");
            let status = r.status().as_u16();
            let text = r.text().await.expect("body");
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        }
    };
    let mut orphan = resource("p-2", "x", "An answer");
    orphan.as_object_mut().map(|o| o.remove("thread_id"));
    orphan["parent_id"] = json!("nowhere");
    let resources = vec![
        resource("p-1", "pt-1", "Pushed hello"),
        resource("p-1", "pt-1", "The same again"),
        orphan,
    ];
    let (status, answer) = post(
        "push.json",
        token.clone(),
        json!({"instance_push_id": push_id, "request_id": "req-1", "external_resources": resources}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let codes: Vec<&str> = answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["status"]["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "success",
            "already_imported",
            "could_not_locate_parent_external_resource"
        ]
    );
    assert!(
        sandbox
            .channel
            .desk
            .tickets()
            .iter()
            .any(|t| t.external_id.as_deref() == Some("p-1"))
    );

    let (status, _) = post(
        "push.json",
        "wrong".into(),
        json!({"instance_push_id": push_id, "external_resources": []}),
    )
    .await;
    assert_eq!(status, 401);
    let (status, refused) = post(
        "push.json",
        token.clone(),
        json!({"instance_push_id": push_id, "external_resources": [resource("p-3", "t", "")]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["details"][0]["path"], "external_resources[0].message",
        "{refused}"
    );

    assert_eq!(
        post(
            "validate_token.json",
            token.clone(),
            json!({"instance_push_id": push_id})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post(
            "validate_token.json",
            "nope".into(),
            json!({"instance_push_id": push_id})
        )
        .await
        .0,
        401
    );
    let (status, _) = post(
        "channelback/report_error.json",
        token.clone(),
        json!({"instance_push_id": push_id, "external_id": "unknown", "description": "x"}),
    )
    .await;
    assert_eq!(status, 404);
}
