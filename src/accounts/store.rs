use sqlx::PgExecutor;

use super::model::{AccountId, NewAccount};

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("用户名「{0}」已被使用")]
    UsernameTaken(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Stores a new account. Usernames are unique regardless of case.
pub async fn create(db: impl PgExecutor<'_>, account: &NewAccount) -> Result<AccountId, CreateAccountError> {
    let result = sqlx::query_scalar!(
        r#"INSERT INTO accounts
               (username, display_name, role, region_id, department_kind, password_hash,
                must_change_password)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id AS "id: AccountId""#,
        account.username.as_str(),
        account.display_name,
        account.role.map(|r| r.as_str()),
        account.region_id.map(|r| r.0),
        account.department.map(|d| d.as_str()),
        account.password_hash,
        account.must_change_password,
    )
    .fetch_one(db)
    .await;
    match result {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("accounts_username_key") => {
            Err(CreateAccountError::UsernameTaken(account.username.to_string()))
        }
        other => Ok(other?),
    }
}
