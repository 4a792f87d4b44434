//! The expert pool (专家库) and the expert review (专家评审). This first part holds the
//! specialties and the random draw (`draw`): who may be drawn for a project and the draw itself,
//! reproducible from its record. The pool's pages, the panels and the scoring come next.

pub mod draw;

labelled_enum! {
    /// An expert's specialty, by which a panel's mix is drawn.
    pub enum Specialty {
        Prevention => ("prevention", "工伤预防"),
        WorkSafety => ("work_safety", "安全生产"),
        OccupationalHealth => ("occupational_health", "职业卫生"),
        Finance => ("finance", "财务"),
        Other => ("other", "其他"),
    }
}
