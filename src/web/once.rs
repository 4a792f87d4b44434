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

/// A create form's token as the form struct carries it: a new form gets a fresh one (its
/// `Default`), a posted form the one its page gave, a form posted without one an empty one
/// (refused by `parse`, as an old page).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct TokenField(String);

impl Default for TokenField {
    fn default() -> TokenField {
        TokenField(new_token())
    }
}

impl TokenField {
    /// For `#[serde(default = "TokenField::missing")]`: a post without the field.
    pub fn missing() -> TokenField {
        TokenField(String::new())
    }

    pub fn parse(&self) -> Result<FormToken, AppError> {
        FormToken::parse(&self.0)
    }
}

impl std::fmt::Display for TokenField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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

/// What a create or a transition came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    /// Done now; the page to show next.
    Now(String),
    /// The same form was posted before; where it led.
    Before(String),
}

/// Does `work` once per token, inside the caller's transaction: the first post claims the
/// token, works, and records the page `work` led to; any later post with it (even one sent at
/// the same moment, which waits on the first) is sent there and does nothing. A `work` that
/// fails rolls back with the caller's transaction, its claim with it.
pub async fn run<E: From<sqlx::Error>>(
    tx: &mut PgConnection,
    account: AccountId,
    token: &FormToken,
    work: impl AsyncFnOnce(&mut PgConnection) -> Result<String, E>,
) -> Result<Done, E> {
    if let Claim::Used(outcome) = claim(tx, account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let led_to = work(&mut *tx).await?;
    finish(tx, account, token, &led_to).await?;
    Ok(Done::Now(led_to))
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

    #[test]
    fn a_new_form_gets_a_fresh_token_and_a_post_without_one_is_refused() {
        let (a, b) = (TokenField::default(), TokenField::default());
        assert_ne!(a, b);
        assert!(a.parse().is_ok());
        assert_eq!(a.parse().unwrap().as_str(), a.to_string());
        assert!(TokenField::missing().parse().is_err());
    }
}
