//! The prevention fee (工伤预防费): what a region may spend on projects in a year (3% of the prior
//! year's premium income, its budget, allocations and payments) arrives with the fee's own
//! issue. Until then the one check a project's approval calls, [`check_approval`], allows every
//! amount; the decision already calls it in the transaction that approves, so the fee fills in
//! this function and nothing else changes.

use rust_decimal::Decimal;
use sqlx::PgConnection;

use crate::org::RegionId;

/// Whether `region` may approve `amount` more for projects of `year`: `Ok(())`, or the reason
/// (in Chinese, for the page) why the budget does not allow it.
pub async fn check_approval(
    _tx: &mut PgConnection,
    _region: RegionId,
    _year: i16,
    _amount: Decimal,
) -> Result<Result<(), String>, sqlx::Error> {
    Ok(Ok(()))
}
