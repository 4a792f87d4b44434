//! Figures for the vendored ECharts scripts (`static/js/*-chart.js`): serialised as JSON for a
//! non-executed `<script type="application/json">` element, with every `<` escaped so nothing
//! in the data can close the element. The table beside each chart carries the same numbers.

use serde::Serialize;

use crate::error::AppError;

/// `value` as the JSON a chart's data element holds.
pub fn json<T: Serialize>(value: &T) -> Result<String, AppError> {
    Ok(serde_json::to_string(value).map_err(anyhow::Error::from)?.replace('<', "\\u003c"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn nothing_in_the_data_can_close_the_script_element() {
        let out = super::json(&vec!["</script><script>alert(1)</script>"]).unwrap();
        assert!(!out.contains('<'), "{out}");
        assert_eq!(serde_json::from_str::<Vec<String>>(&out).unwrap()[0], "</script><script>alert(1)</script>");
    }
}
