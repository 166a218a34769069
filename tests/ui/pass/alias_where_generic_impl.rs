//! Return types the expansion treats specially: aliases (checked by a `where` clause, merged
//! with the function's own), `Self` in an alias, and an associated function of a generic
//! `impl` whose error names the `impl`'s parameter (no nested constant item can name it).
use errguard::retryable_actor;

#[derive(Debug)]
struct Oops<T>(T);

impl<T: std::fmt::Debug> std::fmt::Display for Oops<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl<T: std::fmt::Debug> std::error::Error for Oops<T> {}

mod app {
    pub type Result<T> = std::result::Result<T, std::io::Error>;
}

#[derive(Clone, Debug, PartialEq)]
struct Holder<T>(T);

impl<T: Clone + Send + Sync + std::fmt::Debug + 'static> Holder<T> {
    #[retryable_actor(max_retries = 0)]
    async fn make(value: T) -> Result<Holder<T>, Oops<T>> {
        Ok(Holder(value))
    }

    #[retryable_actor(max_retries = 0)]
    async fn again(&self) -> app::Result<Self> {
        Ok(self.clone())
    }
}

#[retryable_actor(max_retries = 0)]
async fn generic_alias<T>(value: T) -> app::Result<T>
where
    T: Clone + Send,
{
    Ok(value)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let holder = runtime.block_on(Holder::make(3u8)).unwrap();
    assert_eq!(runtime.block_on(holder.again()).unwrap(), Holder(3));
    assert_eq!(runtime.block_on(generic_alias("x")).unwrap(), "x");
}
