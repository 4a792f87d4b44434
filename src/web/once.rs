//! One-time form tokens: a create or transition form carries a random token; the first post
//! with it claims it in the same transaction as its work and leaves where it led, so a double
//! click, or two posts at once, does the work once and the second lands where the first did.

use rand::RngExt;
use sqlx::PgConnection;

use crate::error::AppError;
use crate::org::AccountId;

/// A fresh token for a form.
pub fn new_token() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    hex::encode(bytes)
}

/// A token as posted, checked for shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormToken(String);

impl FormToken {
    /// A form without its token is an old page (or not ours): sent back with a message.
    pub fn parse(raw: &str) -> Result<FormToken, AppError> {
        let token = raw.trim();
        if token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            Ok(FormToken(token.to_string()))
        } else {
            Err(AppError::Refused("页面已过期，请刷新页面后重新提交。".into()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What claiming a token found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// First use: go ahead, then `finish`.
    Fresh,
    /// Used before; the first post led here.
    Used(String),
}

/// Claims `token` for `account` inside the caller's transaction. A second post with the same
/// token waits here until the first commits (or rolls back), then finds it used (or fresh).
pub async fn claim(tx: &mut PgConnection, account: AccountId, token: &FormToken) -> Result<Claim, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO submissions (account_id, token) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        account.0,
        token.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Fresh);
    }
    let outcome = sqlx::query_scalar!(
        "SELECT outcome FROM submissions WHERE account_id = $1 AND token = $2",
        account.0,
        token.as_str()
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Claim::Used(outcome))
}

/// Records where the token's work led (the page a second post is sent to).
pub async fn finish(
    tx: &mut PgConnection,
    account: AccountId,
    token: &FormToken,
    outcome: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE submissions SET outcome = $3 WHERE account_id = $1 AND token = $2",
        account.0,
        token.as_str(),
        outcome
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Forgets tokens older than a day (run with the session purge).
pub async fn purge(pool: &sqlx::PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM submissions WHERE used_at < now() - interval '1 day'").execute(pool).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_lowercase_hex() {
        let t = new_token();
        assert_eq!(FormToken::parse(&t).unwrap().as_str(), t);
        assert!(FormToken::parse("").is_err());
        assert!(FormToken::parse(&t.to_uppercase()).is_err());
        assert!(FormToken::parse("x' or 1=1 -- abcdefabcdefabcdefab").is_err());
    }
}
