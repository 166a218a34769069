//! Inner attributes in the body apply to the actor (they are not printed before `fn`).
#![deny(unused_variables)]

use errguard::retryable_actor;

#[derive(Debug)]
struct Oops;

impl std::fmt::Display for Oops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("oops")
    }
}

impl std::error::Error for Oops {}

#[retryable_actor(max_retries = 0)]
async fn free() -> Result<u32, Oops> {
    #![allow(unused_variables)]
    let unused = 1;
    Ok(2)
}

struct Service;

impl Service {
    #[retryable_actor(max_retries = 0)]
    async fn method(&self) -> Result<u32, Oops> {
        #![allow(unused_variables)]
        //! Inner doc comments are inner attributes too.
        let unused = 1;
        Ok(3)
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(runtime.block_on(free()).unwrap(), 2);
    assert_eq!(runtime.block_on(Service.method()).unwrap(), 3);
}
