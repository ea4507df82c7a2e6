//! A JSON Schema (draft 2020-12) of the profile format, for editors: the YAML
//! language server completes and checks profiles against it. Each object's
//! properties are the decoder's own field tables, so the schema cannot drift from
//! what cvpdf accepts (a test holds them equal).

use super::decode::{
    CONTACT_FIELDS, DETAIL_FIELDS, ENTRY_FIELDS, FACT_FIELDS, GROUP_FIELDS, ITEM_FIELDS, LINK_FIELDS, PROFILE_FIELDS,
    RATING_FIELDS, SECTION_FIELDS,
};

/// The schema of one field, by the object it is in and its name.
fn field(object: &str, name: &str) -> &'static str {
    match (object, name) {
        (_, "lang") => {
            r#"{"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$", "description": "BCP 47 language code"}"#
        }
        (_, "photo" | "email" | "phone" | "website" | "url" | "id") => r#"{"type": "string"}"#,
        ("profile", "keywords") | (_, "tags") => r#"{"type": "array", "items": {"type": "string"}}"#,
        ("profile", "contact") => r##"{"$ref": "#/$defs/contact"}"##,
        ("profile", "sections") => r##"{"type": "array", "items": {"$ref": "#/$defs/section"}}"##,
        ("contact", "links") => r##"{"type": "array", "items": {"$ref": "#/$defs/link"}}"##,
        ("section", "entries") | ("entry", "roles") => r##"{"type": "array", "items": {"$ref": "#/$defs/entry"}}"##,
        ("section", "ratings") => {
            r##"{"type": "array", "items": {"anyOf": [{"$ref": "#/$defs/ratingGroup"}, {"$ref": "#/$defs/rating"}]}}"##
        }
        ("section", "facts") => r##"{"type": "array", "items": {"$ref": "#/$defs/fact"}}"##,
        ("section", "items") | ("entry", "highlights") | ("ratingGroup", "items") if object != "ratingGroup" => {
            r##"{"type": "array", "items": {"$ref": "#/$defs/item"}}"##
        }
        ("ratingGroup", "items") => r##"{"type": "array", "items": {"$ref": "#/$defs/rating"}}"##,
        ("section", "scale") => r#"{"type": "integer", "minimum": 1, "maximum": 20, "default": 5}"#,
        ("rating", "rating") => r#"{"type": "number", "minimum": 0, "multipleOf": 0.5}"#,
        (_, "start") => r##"{"$ref": "#/$defs/date"}"##,
        (_, "end") => r##"{"anyOf": [{"$ref": "#/$defs/date"}, {"const": "present"}]}"##,
        (_, "date") => r##"{"anyOf": [{"$ref": "#/$defs/date"}, {"$ref": "#/$defs/text"}]}"##,
        ("entry", "details") => {
            r##"{"type": "array", "items": {"anyOf": [{"$ref": "#/$defs/detail"}, {"$ref": "#/$defs/text"}]}}"##
        }
        ("entry", "keywords") => r##"{"type": "array", "items": {"$ref": "#/$defs/text"}}"##,
        _ => r##"{"$ref": "#/$defs/text"}"##,
    }
}

fn object(name: &str, fields: &[&str], required: &[&str]) -> String {
    let properties: Vec<String> = fields.iter().map(|f| format!("\"{f}\": {}", field(name, f))).collect();
    let required: Vec<String> = required.iter().map(|r| format!("\"{r}\"")).collect();
    format!(
        "{{\"type\": \"object\", \"additionalProperties\": false, \"required\": [{}], \"properties\": {{{}}}}}",
        required.join(", "),
        properties.join(", ")
    )
}

/// The profile format's JSON Schema, as text.
pub fn profile_schema() -> String {
    let defs = [
        ("contact", object("contact", CONTACT_FIELDS, &[])),
        ("link", object("link", LINK_FIELDS, &["url"])),
        ("section", object("section", SECTION_FIELDS, &[])),
        ("entry", object("entry", ENTRY_FIELDS, &[])),
        ("detail", object("detail", DETAIL_FIELDS, &["text"])),
        ("rating", object("rating", RATING_FIELDS, &["name", "rating"])),
        ("ratingGroup", object("ratingGroup", GROUP_FIELDS, &["items"])),
        ("fact", object("fact", FACT_FIELDS, &["label", "value"])),
        (
            "item",
            format!("{{\"anyOf\": [{{\"$ref\": \"#/$defs/text\"}}, {}]}}", object("item", ITEM_FIELDS, &["text"])),
        ),
        (
            "text",
            r#"{"description": "Text, or a map from language code to text", "anyOf": [{"type": ["string", "number"]}, {"type": "object", "minProperties": 1, "additionalProperties": false, "patternProperties": {"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$": {"type": ["string", "number"]}}}]}"#.to_string(),
        ),
        ("date", r#"{"description": "YYYY, YYYY-MM or YYYY-MM-DD", "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}]}"#.to_string()),
    ];
    let root = object("profile", PROFILE_FIELDS, &["name"]);
    let root = root.strip_prefix('{').and_then(|r| r.strip_suffix('}')).unwrap_or(&root);
    let defs: Vec<String> = defs.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    format!(
        "{{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"title\": \"cvpdf profile\", {root}, \"$defs\": {{{}}}}}\n",
        defs.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::node;

    #[test]
    fn the_schema_is_json_with_every_field_the_decoder_knows() {
        let schema = node::parse(&profile_schema()).expect("valid JSON");
        let props = |n: &node::Node| -> Vec<String> {
            match &n.get("properties").unwrap().value {
                node::Value::Map(m) => m.iter().map(|(k, _)| k.to_json().trim_matches('"').to_string()).collect(),
                _ => panic!(),
            }
        };
        assert_eq!(props(&schema), PROFILE_FIELDS);
        let entry = schema.get("$defs").unwrap().get("entry").unwrap();
        assert_eq!(props(entry), ENTRY_FIELDS);
    }
}
