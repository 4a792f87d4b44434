//! Injury statistics (信息交换) and the work-injury accident rate against the cycle's target
//! (issue 23, in progress): so far the arithmetic (`model`), which the entry, import and trend
//! pages will use.

pub mod model;
