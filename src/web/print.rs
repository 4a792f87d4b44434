//! The A4 print base: documents that get signed and sealed (a filed plan, an application form,
//! the annual report, the roster) print from a page of their own laid out after GB/T 9704-2012
//! (版心 156 × 225 mm: margins 37 mm top, 28 mm binding side, 26 mm right, 35 mm bottom; the
//! title centred, the document number (文号) with 〔〕, body text in 仿宋 with fonts that exist
//! offline), with signature and seal boxes and page numbers where the browser allows. A feature's
//! print template extends `templates/print/base.html` and fills `block body`.

/// What the print base shows around a document's body.
#[derive(Clone, Debug, Default)]
pub struct PrintDoc {
    /// Printed at the top left where GB/T 9704 puts 密级 and 紧急程度; here what a paper is
    /// not yet (草稿, 未备案), so a draft on a desk is never taken for the document.
    pub mark: String,
    /// An attachment's label (附件1), printed at the top left above the title, as GB/T 9704
    /// sets out 附件 pages.
    pub label: String,
    pub title: String,
    /// 文号, e.g. 沈人社发〔2021〕8号 (empty when the document has none yet).
    pub document_number: String,
    /// The issuing body, printed above the date at the end.
    pub issuer: String,
    /// The date the document bears (印发日期), as 2021年6月1日.
    pub date: String,
    /// Where 返回 leads.
    pub back: String,
    /// The signature and seal boxes at the end.
    pub seals: Vec<String>,
}

/// A date as official documents write it: 2021年6月1日.
pub fn official_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_in_official_documents() {
        assert_eq!(official_date(chrono::NaiveDate::from_ymd_opt(2021, 6, 1).unwrap()), "2021年6月1日");
    }
}
