//! zendesk-heart: the ticket-sidebar app.
//!
//! Data path: [`zaf`] (the ZAF client bridge) → [`proxy`] (calls through Zendesk's Any Channel
//! proxy) → [`state`] (the like-state reducer) → [`view`] (what the panel shows) →
//! [`components`] (the heart view). [`zaf_data`], [`ticket`], [`boot`], [`proxy`], [`state`],
//! [`view`], [`timing`], [`i18n`] and [`color_scheme`] are pure and tested natively; [`zaf`],
//! [`hooks`] and [`components`] are the browser boundary, tested in a real browser.

pub mod boot;
pub mod color_scheme;
pub mod components;
pub mod hooks;
pub mod i18n;
pub mod proxy;
pub mod state;
pub mod ticket;
pub mod timing;
pub mod view;
pub mod zaf;
pub mod zaf_data;

pub use components::app::App;

/// The wasm's allocator: a free list that merges neighbouring free blocks, about 0.6 KB of
/// code where the default (dlmalloc) is 5.4 KB; the app allocates little and keeps its memory
/// flat (the soak measures it). Locked rather than assumed single-threaded: no `unsafe`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Mounts the app into `#heart-root` (or the body, if the page has no such element), in place of
/// the skeleton the page painted there (the same markup as the app's first render).
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("heart-root"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render()
        }
        None => yew::Renderer::<App>::new().render(),
    };
}
