//! Pagination of long lists: `?page=N` in the query string, fixed page sizes, for lists whose
//! length is worth counting; and keyset pages (`?before=ID`, `?after=ID`: 较早 / 较新) for logs
//! that grow without end, where counting every match and skipping to page N would read the
//! whole table on every view.

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

/// Where a keyset page starts: the newest rows, or just older or newer than a row of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    Newest,
    Before(i64),
    After(i64),
}

impl Cursor {
    pub fn from_query(before: Option<i64>, after: Option<i64>) -> Cursor {
        match (before, after) {
            (Some(id), _) => Cursor::Before(id),
            (None, Some(id)) => Cursor::After(id),
            (None, None) => Cursor::Newest,
        }
    }

    /// Rows to ask for: one more than a page, to learn whether more lie beyond.
    pub fn fetch(size: u32) -> i64 {
        i64::from(size) + 1
    }
}

/// The links of a keyset page: 较新 and 较早, each present when there is such a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyset {
    pub newer: Option<String>,
    pub older: Option<String>,
}

impl Keyset {
    /// Puts `rows` (as fetched for `cursor`, `size` + 1 at most, `After` ones oldest first) in
    /// newest-first order, trimmed to `size`, with the links around them; `query` is the list's
    /// other parameters, already encoded.
    pub fn page<T>(
        cursor: Cursor,
        mut rows: Vec<T>,
        size: u32,
        id: impl Fn(&T) -> i64,
        query: &str,
    ) -> (Vec<T>, Keyset) {
        let more = rows.len() > size as usize;
        rows.truncate(size as usize);
        if matches!(cursor, Cursor::After(_)) {
            rows.reverse();
        }
        let link = |key: &str, id: i64| {
            if query.is_empty() { format!("?{key}={id}") } else { format!("?{query}&{key}={id}") }
        };
        let (has_newer, has_older) = match cursor {
            Cursor::Newest => (false, more),
            Cursor::Before(_) => (true, more),
            Cursor::After(_) => (more, true),
        };
        let newer = rows.first().filter(|_| has_newer).map(|r| link("after", id(r)));
        let older = rows.last().filter(|_| has_older).map(|r| link("before", id(r)));
        (rows, Keyset { newer, older })
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

/// The same for an id.
pub fn lenient_i64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
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

    #[test]
    fn keyset_pages_link_to_their_neighbours() {
        let id = |r: &i64| *r;
        // The newest page, with more beyond it.
        let (rows, nav) = Keyset::page(Cursor::Newest, vec![10, 9, 8], 2, id, "action=x");
        assert_eq!(rows, [10, 9]);
        assert_eq!(nav, Keyset { newer: None, older: Some("?action=x&before=9".into()) });
        // Older, the last one.
        let (rows, nav) = Keyset::page(Cursor::Before(9), vec![8], 2, id, "");
        assert_eq!(rows, [8]);
        assert_eq!(nav, Keyset { newer: Some("?after=8".into()), older: None });
        // Back to newer: fetched oldest first, shown newest first.
        let (rows, nav) = Keyset::page(Cursor::After(8), vec![9, 10, 11], 2, id, "");
        assert_eq!(rows, [10, 9]);
        assert_eq!(nav, Keyset { newer: Some("?after=10".into()), older: Some("?before=9".into()) });
        assert_eq!(Cursor::from_query(None, Some(3)), Cursor::After(3));
        assert_eq!(Cursor::fetch(50), 51);
    }
}
