//! Associated functions (no receiver, no generics of their own) of generic `impl`s whose error
//! or `Ok` type names the `impl`'s parameters: an item nested in the body cannot name those, and
//! the attribute cannot see them, so the size check must not be one (E0401 otherwise), whatever
//! the parameter is called.
use errguard::retryable_actor;

#[derive(Debug)]
struct Oops<T>(T);

impl<T: std::fmt::Debug> std::fmt::Display for Oops<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl<T: std::fmt::Debug> std::error::Error for Oops<T> {}

#[derive(Debug)]
struct Plain;

impl std::fmt::Display for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("plain")
    }
}

impl std::error::Error for Plain {}

trait Fallible {
    type Failure: std::error::Error + Send + Sync + 'static;
}

impl Fallible for u8 {
    type Failure = Plain;
}

/// A long parameter name, which no name-shape heuristic takes for a parameter.
#[derive(Debug, PartialEq)]
struct Holder<Item>(Item);

impl<Item: Clone + std::fmt::Debug + Send + Sync + 'static> Holder<Item> {
    #[retryable_actor(max_retries = 0)]
    async fn make(value: Item) -> Result<u32, Oops<Item>> {
        Err(Oops(value))
    }

    // The parameter in the `Ok` type, the error a plain type.
    #[retryable_actor(max_retries = 0)]
    async fn wrap(value: Item) -> Result<Item, Plain> {
        Ok(value)
    }

    // In a reference, a tuple and an array inside the error type.
    #[retryable_actor(max_retries = 0)]
    async fn nested(value: Item) -> Result<u32, Oops<(Option<Item>, [Item; 1])>> {
        Err(Oops((Some(value.clone()), [value])))
    }
}

impl<Input: Fallible + Clone + Send + Sync + 'static> Holder<Input> {
    // A parameter's associated type.
    #[retryable_actor(max_retries = 0)]
    async fn fail(_value: Input) -> Result<u32, Input::Failure> {
        Ok(1)
    }
}

/// A single-letter parameter.
struct Single<T>(T);

impl<T: Clone + std::fmt::Debug + Send + Sync + 'static> Single<T> {
    #[retryable_actor(max_retries = 0)]
    async fn make(value: T) -> Result<u32, Oops<T>> {
        Err(Oops(value))
    }

    #[retryable_actor(max_retries = 0)]
    async fn bare(value: T) -> Result<T, Plain> {
        Ok(value)
    }
}

/// A const parameter.
struct Fixed<const N: usize>;

impl<const N: usize> Fixed<N> {
    #[retryable_actor(max_retries = 0)]
    async fn make() -> Result<u32, Oops<[u8; N]>> {
        Err(Oops([0; N]))
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let failure = runtime.block_on(Holder::make("x")).unwrap_err();
    assert_eq!(failure.attempts(), 1);
    assert_eq!(runtime.block_on(Holder::wrap(7u16)).unwrap(), 7);
    assert!(runtime.block_on(Holder::nested('c')).is_err());
    assert_eq!(runtime.block_on(Holder::<u8>::fail(3)).unwrap(), 1);
    assert!(runtime.block_on(Single::make(1u64)).is_err());
    assert_eq!(runtime.block_on(Single::bare("y")).unwrap(), "y");
    assert!(runtime.block_on(Fixed::<4>::make()).is_err());
}
