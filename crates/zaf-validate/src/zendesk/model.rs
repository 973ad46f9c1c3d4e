//! `manifest.json` as Zendesk reads it: the defaults it fills in, how it turns `location` into
//! products and locations, and its parameters.

use std::collections::HashSet;

use crate::json::{Json, KeyIndex, Obj};
use crate::ruby::{self, Crash, GemVersion, Rb, truthy};

/// Products and their legacy names, in Zendesk's order.
pub const PRODUCTS: [(&str, &str); 4] = [
    ("support", "zendesk"),
    ("chat", "zopim"),
    ("standalone_chat", "lotus_box"),
    ("sell", "sell"),
];

pub struct LocationDef {
    pub product: &'static str,
    pub name: &'static str,
    /// Not available to framework v1 apps.
    pub v2_only: bool,
}

const fn loc(product: &'static str, name: &'static str, v2_only: bool) -> LocationDef {
    LocationDef {
        product,
        name,
        v2_only,
    }
}

/// The locations Zendesk knows, per product.
pub const LOCATIONS: &[LocationDef] = &[
    loc("support", "top_bar", false),
    loc("support", "nav_bar", false),
    loc("support", "ticket_sidebar", false),
    loc("support", "new_ticket_sidebar", false),
    loc("support", "user_sidebar", false),
    loc("support", "organization_sidebar", false),
    loc("support", "background", false),
    loc("chat", "chat_sidebar", true),
    loc("support", "modal", true),
    loc("support", "ticket_editor", true),
    loc("standalone_chat", "nav_bar", false),
    loc("support", "system_top_bar", false),
    loc("standalone_chat", "system_top_bar", false),
    loc("chat", "background", true),
    loc("sell", "deal_card", true),
    loc("sell", "person_card", true),
    loc("sell", "company_card", true),
    loc("sell", "lead_card", true),
    loc("sell", "background", true),
    loc("sell", "modal", true),
    loc("sell", "dashboard", true),
    loc("sell", "note_editor", true),
    loc("sell", "call_log_editor", true),
    loc("sell", "email_editor", true),
    loc("sell", "top_bar", true),
    loc("sell", "visit_editor", true),
    loc("support", CUSTOM_OBJECT_RECORD_SIDEBAR, false),
];

/// Known, but refused unless Zendesk enables it for the account (off by default).
pub const CUSTOM_OBJECT_RECORD_SIDEBAR: &str = "custom_object_record_sidebar";

pub fn find_location(product: &str, name: &str) -> Option<&'static LocationDef> {
    LOCATIONS
        .iter()
        .find(|l| l.product == product && l.name == name)
}

pub const LEGACY_URI_STUB: &str = "_legacy";

/// One location the manifest asks for, with its options as Zendesk defaults them.
pub struct LocationOption {
    pub name: String,
    pub def: Option<&'static LocationDef>,
    pub url: Option<Json>,
    pub legacy: bool,
    pub auto_load: bool,
    pub flexible: Option<Json>,
}

pub struct Parameter {
    pub name: Json,
    /// `type || 'text'`
    pub kind: Json,
    /// `required || false`
    pub required: Json,
    /// `secure || false`
    pub secure: Json,
    pub has_default: bool,
    pub scopes: Option<Json>,
}

impl Parameter {
    pub fn kind_is(&self, kind: &str) -> bool {
        self.kind.as_str() == Some(kind)
    }
    pub fn display_name(&self) -> String {
        ruby::to_s(&self.name)
    }
    /// `parameters[name="…"]`, as Zendesk names a parameter's field.
    pub fn field(&self, attribute: &str) -> String {
        format!("parameters[name=\"{}\"].{attribute}", self.display_name())
    }
}

pub struct Manifest {
    pub raw: Obj,
    /// Product → its locations (name → options), for the products the manifest uses.
    pub locations: Vec<(&'static str, Vec<(String, Obj)>)>,
    /// The keys of `location` as written (`support`, `zendesk`, `nonsense`, …).
    pub used_hosts: Vec<String>,
}

pub enum LoadError {
    /// The same key twice in one object, or the same location twice in a `location` array.
    Duplicate(String),
    Crash(Crash),
}

impl Manifest {
    pub fn new(value: Json) -> Result<Self, LoadError> {
        let Json::Obj(raw) = value else {
            return Err(LoadError::Crash(Crash(format!(
                "manifest.json holds {}, not an object",
                value.kind()
            ))));
        };
        let (locations, used_hosts) = read_locations(raw.get("location"))?;
        Ok(Self {
            raw,
            locations,
            used_hosts,
        })
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        self.raw.get(key).filter(|v| !matches!(v, Json::Null))
    }

    pub fn requirements_only(&self) -> bool {
        truthy(self.raw.get("requirementsOnly"))
    }

    pub fn marketing_only(&self) -> bool {
        truthy(self.raw.get("marketingOnly"))
    }

    /// `private` defaults to true when absent (but not when `null`).
    pub fn private_value(&self) -> Json {
        self.raw.get("private").cloned().unwrap_or(Json::Bool(true))
    }

    pub fn private(&self) -> bool {
        truthy(Some(&self.private_value()))
    }

    /// A field that Zendesk defaults with `||= false`.
    pub fn or_false(&self, key: &str) -> Json {
        ruby::or(self.raw.get(key), &Json::Bool(false)).clone()
    }

    pub fn experiments(&self) -> Json {
        ruby::or(self.raw.get("experiments"), &Json::Obj(Obj::default())).clone()
    }

    pub fn framework_version(&self) -> Option<&Json> {
        self.get("frameworkVersion")
    }

    /// Framework version 2 or later.
    pub fn iframe_only(&self) -> Rb<bool> {
        match self.framework_version() {
            Some(v) if truthy(Some(v)) => Ok(!GemVersion::new(v)?.below_2()),
            _ => Ok(false),
        }
    }

    pub fn location_options(&self) -> Vec<LocationOption> {
        let mut out = Vec::new();
        for (product, locations) in &self.locations {
            for (name, options) in locations {
                let url = options.get("url").filter(|v| !matches!(v, Json::Null));
                out.push(LocationOption {
                    name: name.clone(),
                    def: find_location(product, name),
                    url: url.cloned(),
                    legacy: truthy(options.get("legacy"))
                        || url.and_then(Json::as_str) == Some(LEGACY_URI_STUB),
                    auto_load: match options.get("autoLoad") {
                        None => true,
                        Some(v) => truthy(Some(v)),
                    },
                    flexible: options
                        .get("flexible")
                        .filter(|v| !matches!(v, Json::Null))
                        .cloned(),
                });
            }
        }
        out
    }

    /// The parameters; raises (as Zendesk's `Parameter.new` does) on an entry that is not an
    /// object.
    pub fn parameters(&self) -> Rb<Vec<Parameter>> {
        let Some(Json::Arr(items)) = self.raw.get("parameters") else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let Json::Obj(p) = item else {
                    return Err(Crash(format!(
                        "`parameters[{i}]` is {}, not an object",
                        item.kind()
                    )));
                };
                let text = Json::Str("text".into());
                let no = Json::Bool(false);
                Ok(Parameter {
                    name: p.get("name").cloned().unwrap_or(Json::Null),
                    kind: ruby::or(p.get("type"), &text).clone(),
                    required: ruby::or(p.get("required"), &no).clone(),
                    secure: ruby::or(p.get("secure"), &no).clone(),
                    has_default: p.contains_key("default"),
                    scopes: p
                        .get("scopes")
                        .filter(|v| !matches!(v, Json::Null))
                        .cloned(),
                })
            })
            .collect()
    }

    /// The products the app is for, as translations are checked against.
    pub fn products(&self) -> Vec<&'static str> {
        if self.requirements_only() {
            return vec!["support"];
        }
        if self.marketing_only() {
            return self.products_ignore_locations();
        }
        let mut products = Vec::new();
        for option in self.location_options() {
            if let Some(def) = option.def
                && !products.contains(&def.product)
            {
                products.push(def.product);
            }
        }
        products
    }

    pub fn products_ignore_locations(&self) -> Vec<&'static str> {
        self.locations.iter().map(|(p, _)| *p).collect()
    }
}

type Locations = (Vec<(&'static str, Vec<(String, Obj)>)>, Vec<String>);

fn legacy_stub() -> Obj {
    Obj(vec![("url".into(), Json::Str(LEGACY_URI_STUB.into()))])
}

fn read_locations(location: Option<&Json>) -> Result<Locations, LoadError> {
    match location {
        Some(Json::Obj(original)) => {
            let used_hosts = original.keys().map(str::to_string).collect();
            let mut out = Vec::new();
            for (product, legacy) in PRODUCTS {
                let value = if original.contains_key(product) {
                    original.get(product)
                } else {
                    original.get(legacy)
                };
                if let Some(value) = value.filter(|v| truthy(Some(v))) {
                    out.push((product, product_locations(product, value)?));
                }
            }
            Ok((out, used_hosts))
        }
        // Framework v1: a list of location names.
        Some(Json::Arr(names)) => {
            let mut locations: Vec<(String, Obj)> = Vec::new();
            let mut seen: HashSet<String> = HashSet::new();
            for name in names {
                let name = ruby::to_s(name);
                if !seen.insert(name.clone()) {
                    return Err(LoadError::Duplicate(name));
                }
                locations.push((name, legacy_stub()));
            }
            Ok((vec![("support", locations)], vec!["support".into()]))
        }
        Some(Json::Str(name)) => Ok((
            vec![("support", vec![(name.clone(), legacy_stub())])],
            vec!["support".into()],
        )),
        _ => Ok((vec![("support", Vec::new())], vec!["support".into()])),
    }
}

/// A product's locations; a location given as a bare value becomes `{"url": value}`.
fn product_locations(product: &str, value: &Json) -> Result<Vec<(String, Obj)>, LoadError> {
    let wrap = |v: Option<&Json>| match v {
        Some(Json::Obj(o)) => o.clone(),
        other => Obj(vec![("url".into(), other.cloned().unwrap_or(Json::Null))]),
    };
    let mut out: Vec<(String, Obj)> = Vec::new();
    // A name given again replaces its options in place.
    let mut index = KeyIndex::new();
    let mut put =
        |name: String, options: Obj| match index.find(&out, &name).and_then(|i| out.get_mut(i)) {
            Some(slot) => slot.1 = options,
            None => out.push((name, options)),
        };
    match value {
        Json::Obj(locations) => {
            for (name, v) in locations.iter() {
                put(name.to_string(), wrap(Some(v)));
            }
        }
        Json::Arr(items) => {
            for item in items {
                match item {
                    Json::Arr(parts) => put(
                        parts.first().map(ruby::to_s).unwrap_or_default(),
                        wrap(parts.get(1)),
                    ),
                    other => put(ruby::to_s(other), wrap(None)),
                }
            }
        }
        other => {
            return Err(LoadError::Crash(Crash(format!(
                "`location.{product}` is {}, not an object of locations",
                other.kind()
            ))));
        }
    }
    Ok(out)
}
