//! Reads a page's post form as a browser would submit it unchanged: hidden fields, text
//! inputs and text areas with their values, checked boxes, each select's chosen (or first)
//! option. Our templates are well-formed, so a small tag scanner is enough.

/// The fields of the post form whose `action` is `action` (or the page's only post form when
/// `action` is empty), in page order; `None` when the page has no such form.
pub fn form_fields(html: &str, action: &str) -> Option<Vec<(String, String)>> {
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let form = &rest[start..];
        let tag_end = form.find('>')?;
        let tag = &form[..tag_end];
        let end = form.find("</form>").unwrap_or(form.len());
        let is_post = attr(tag, "method").is_some_and(|m| m.eq_ignore_ascii_case("post"));
        let matches = action.is_empty() || attr(tag, "action").as_deref() == Some(action);
        if is_post && matches && !tag.contains("multipart") && !is_sign_out(tag) {
            return Some(fields(&form[tag_end + 1..end]));
        }
        rest = &form[end.min(form.len())..];
        if end == form.len() {
            break;
        }
    }
    None
}

/// As a person completing the form would: each named select takes its first real choice.
pub fn choose_first(html: &str, action: &str, fields: Vec<(String, String)>, names: &[&str]) -> Vec<(String, String)> {
    let firsts = first_choices(html, action);
    fields
        .into_iter()
        .map(|(name, value)| match firsts.iter().find(|(n, _)| *n == name && names.contains(&n.as_str())) {
            Some((_, first)) => (name, first.clone()),
            None => (name, value),
        })
        .collect()
}

fn first_choices(html: &str, action: &str) -> Vec<(String, String)> {
    let Some(start) = html.find(&format!(" action=\"{action}\"")) else { return Vec::new() };
    let form = &html[start..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find("<select") {
        rest = &rest[open..];
        let close = rest.find('>').unwrap_or(rest.len());
        let end = rest.find("</select>").unwrap_or(rest.len());
        if let Some(name) = attr(&rest[..close], "name") {
            let body = &rest[close..end];
            let first = body
                .split("<option")
                .skip(1)
                .filter_map(|o| attr(&format!(" {}", o.split('>').next().unwrap_or("")), "value"))
                .find(|v| !v.is_empty());
            if let Some(first) = first {
                out.push((name, first));
            }
        }
        rest = &rest[end..];
    }
    out
}

fn is_sign_out(tag: &str) -> bool {
    attr(tag, "action").as_deref() == Some("/logout")
}

/// Replaces (or adds) fields by name: a checkbox group is given one pair per ticked value.
pub fn with(mut fields: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let names: Vec<&str> = changes.iter().map(|(n, _)| *n).collect();
    fields.retain(|(n, _)| !names.contains(&n.as_str()));
    fields.extend(changes.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    fields
}

fn fields(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[..close];
        if tag.starts_with("<input") {
            if let Some(pair) = input(tag) {
                out.push(pair);
            }
        } else if tag.starts_with("<textarea") {
            let end = rest.find("</textarea>").unwrap_or(rest.len());
            if let Some(name) = attr(tag, "name") {
                out.push((name, unescape(&rest[close + 1..end])));
            }
        } else if tag.starts_with("<select") {
            let end = rest.find("</select>").unwrap_or(rest.len());
            if let Some(name) = attr(tag, "name") {
                let chosen = chosen_options(&rest[close + 1..end], tag.contains(" multiple"));
                out.extend(chosen.into_iter().map(|v| (name.clone(), v)));
            }
        }
        rest = &rest[close..];
    }
    out
}

fn input(tag: &str) -> Option<(String, String)> {
    let name = attr(tag, "name")?;
    let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
    let value = attr(tag, "value").unwrap_or_default();
    match kind.as_str() {
        "checkbox" | "radio" => {
            (tag.contains(" checked")).then(|| (name, if value.is_empty() { "on".into() } else { value }))
        }
        "submit" | "button" | "file" | "reset" | "image" => None,
        _ => Some((name, value)),
    }
}

fn chosen_options(body: &str, multiple: bool) -> Vec<String> {
    let mut options = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find("<option") {
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[..close];
        let text_end = rest[close..].find('<').map_or(rest.len(), |e| close + e);
        let value = attr(tag, "value").unwrap_or_else(|| unescape(rest[close + 1..text_end].trim()));
        options.push((value, tag.contains(" selected")));
        rest = &rest[close..];
    }
    let selected: Vec<String> = options.iter().filter(|(_, s)| *s).map(|(v, _)| v.clone()).collect();
    match (selected.is_empty(), multiple) {
        (false, _) => selected,
        (true, true) => Vec::new(),
        (true, false) => options.into_iter().take(1).map(|(v, _)| v).collect(),
    }
}

/// An attribute's value (double-quoted, as askama writes them), unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

#[test]
fn a_form_reads_as_a_browser_would_submit_it() {
    let html = r#"<form method="get" action="/x"><input name="q" value="no"></form>
        <form method="post" action="/logout"><input type="hidden" name="csrf" value="c"></form>
        <form method="post" action="/a/new"><input type="hidden" name="csrf" value="c1">
        <input name="title" value="A &#38; B"><input type="checkbox" name="k" value="1" checked>
        <input type="checkbox" name="k" value="2"><textarea name="body">x &lt;y&gt;</textarea>
        <select name="s"><option value="">请选择</option><option value="b" selected>B</option></select>
        <select name="t"><option value="1">一</option></select><button type="submit">保存</button></form>"#;
    let fields = form_fields(html, "/a/new").unwrap();
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(pairs, [("csrf", "c1"), ("title", "A & B"), ("k", "1"), ("body", "x <y>"), ("s", "b"), ("t", "1")]);
    assert_eq!(form_fields(html, "").unwrap()[0].1, "c1", "the first post form that is not sign-out");
    assert!(form_fields(html, "/b").is_none());
    let changed = with(fields, &[("title", "C"), ("k", "2")]);
    assert!(changed.contains(&("title".into(), "C".into())) && !changed.contains(&("k".into(), "1".into())));
}
