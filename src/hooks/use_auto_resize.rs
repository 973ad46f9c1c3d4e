//! `use_auto_resize`: keeps the sidebar iframe as tall as the panel.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ResizeObserver};
use yew::prelude::*;

use crate::zaf::{Client, warn};

/// Watches the panel's height: measured after layout by a ResizeObserver and sent to Zendesk in
/// whole pixels, only when it changes. Dropping it stops watching.
struct AutoResize {
    observer: ResizeObserver,
    _on_resize: Closure<dyn FnMut(Array)>,
}

impl AutoResize {
    /// `None` where the browser has no ResizeObserver (said in the console).
    fn watch(element: HtmlElement, client: Client) -> Option<AutoResize> {
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
        Some(AutoResize {
            observer,
            _on_resize: on_resize,
        })
    }
}

impl Drop for AutoResize {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Keeps the sidebar iframe as tall as `node` once it is rendered, until unmounted.
#[hook]
pub fn use_auto_resize(node: NodeRef, client: Option<Client>) {
    use_effect_with((), move |()| {
        let watch = node
            .cast::<HtmlElement>()
            .zip(client)
            .and_then(|(element, client)| AutoResize::watch(element, client));
        move || drop(watch)
    });
}
