//! Page structs of the key-industry pages.

use askama::Template;

use super::model::{KeyIndustry, KeyIndustryForm};
use crate::cycles::Cycle;
use crate::org::Region;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};

#[derive(Template)]
#[template(path = "key_industries/list.html")]
pub struct KeyIndustriesPage {
    pub layout: Layout,
    pub cycle_year: String,
    pub cycle_label: String,
    pub cycles: Vec<Choice>,
    pub region: Region,
    /// For those who may look at other regions' lists.
    pub regions: Option<Vec<Choice>>,
    pub province: Vec<KeyIndustry>,
    pub own: Vec<KeyIndustry>,
    pub may_add: bool,
    pub form: KeyIndustryForm,
    pub errors: FieldErrors,
}

impl KeyIndustriesPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: &Chrome,
        cycle: &Cycle,
        cycles: &[Cycle],
        region: Region,
        regions: Vec<Region>,
        list: Vec<KeyIndustry>,
        may_add: bool,
        form: KeyIndustryForm,
        errors: FieldErrors,
    ) -> KeyIndustriesPage {
        let (own, province) = list.into_iter().partition(|k| k.own);
        KeyIndustriesPage {
            layout: chrome.layout("重点行业", vec![Crumb::here("重点行业")]),
            cycle_year: cycle.first_year.to_string(),
            cycle_label: cycle.years(),
            cycles: cycles.iter().map(|c| Choice::new(c.first_year.to_string(), c.years())).collect(),
            regions: (regions.len() > 1).then(|| regions.into_iter().map(|r| Choice::new(r.code, r.name)).collect()),
            region,
            province,
            own,
            may_add,
            form,
            errors,
        }
    }

    /// The id of a region's own industry (for its delete link).
    fn own_id<'a>(&self, k: &'a KeyIndustry) -> &'a str {
        k.reference.trim_start_matches("region:")
    }
}
