//! `use_auto_resize`: keeps the sidebar iframe as tall as the panel.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ResizeObserver};
use yew::prelude::*;

use crate::zaf::{Client, warn};

/// Keeps the sidebar iframe as tall as `node`: the height is measured after layout by a
/// ResizeObserver and sent in whole pixels, only when it changes.
#[hook]
pub fn use_auto_resize(node: NodeRef, client: Option<Client>) {
    use_effect_with((node, client), |(node, client)| {
        let watch = node
            .cast::<HtmlElement>()
            .zip(client.clone())
            .and_then(|(element, client)| {
                let last = Rc::new(Cell::new(0u32));
                let target = element.clone();
                let on_resize = Closure::<dyn FnMut(Array)>::new(move |_entries: Array| {
                    let height = target.get_bounding_client_rect().height().ceil();
                    let height = if height.is_finite() && height > 0.0 {
                        height as u32
                    } else {
                        0
                    };
                    if height > 0 && height != last.get() {
                        last.set(height);
                        client.resize(height);
                    }
                });
                let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref())
                    .inspect_err(|e| warn("ResizeObserver is unavailable", e))
                    .ok()?;
                observer.observe(&element);
                Some((observer, on_resize))
            });
        move || {
            if let Some((observer, on_resize)) = watch {
                observer.disconnect();
                drop(on_resize);
            }
        }
    });
}
