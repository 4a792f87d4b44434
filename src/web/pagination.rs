//! Pagination of long lists: `?page=N` in the query string, fixed page sizes.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub fn new(number: Option<u32>, size: u32) -> Page {
        Page { number: number.unwrap_or(1).max(1), size: size.max(1) }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.size)
    }
}

/// What the page's pager shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pager {
    pub number: u32,
    pub pages: u32,
    pub total: i64,
    /// The list's other query parameters, already encoded, to keep in the pager's links.
    pub query: String,
}

impl Pager {
    pub fn new(page: Page, total: i64, query: String) -> Pager {
        let pages =
            u32::try_from((total.max(0) + i64::from(page.size) - 1) / i64::from(page.size)).unwrap_or(u32::MAX).max(1);
        Pager { number: page.number.min(pages), pages, total, query }
    }

    pub fn has_previous(&self) -> bool {
        self.number > 1
    }

    pub fn has_next(&self) -> bool {
        self.number < self.pages
    }

    pub fn link(&self, number: u32) -> String {
        if self.query.is_empty() { format!("?page={number}") } else { format!("?{}&page={number}", self.query) }
    }

    pub fn previous(&self) -> u32 {
        self.number.saturating_sub(1).max(1)
    }

    pub fn next(&self) -> u32 {
        (self.number + 1).min(self.pages)
    }
}

/// The `page` parameter; anything unparsable means the first page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// An empty or malformed number reads as absent instead of failing the whole request.
pub fn lenient_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.and_then(|s| s.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_and_clamped() {
        let pager = Pager::new(Page::new(Some(9), 20), 150, "kind=hrss".into());
        assert_eq!(pager.pages, 8);
        assert_eq!(pager.number, 8);
        assert!(!pager.has_next());
        assert_eq!(pager.link(2), "?kind=hrss&page=2");
        assert_eq!(Pager::new(Page::new(None, 20), 0, String::new()).pages, 1);
        assert_eq!(Page::new(Some(0), 20).offset(), 0);
        assert_eq!(Page::new(Some(3), 20).offset(), 40);
    }
}
