//! The actor function as the macro sees it: its receiver, its arguments by how each attempt
//! gets them, and its declared return type.

use syn::{FnArg, ItemFn, Pat, Receiver, Type};

/// The names of Rust's primitive types, as a single-segment path writes them.
pub const PRIMITIVE_TYPES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f16", "f32", "f64", "f128",
];

/// How one attempt gets an argument (or `self`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Passing {
    /// `&T`: the same reference for every attempt.
    Shared,
    /// `&mut T`: leased to one attempt at a time.
    Exclusive,
    /// `T`: a clone per attempt; the last attempt gets the original.
    Owned,
}

impl Passing {
    pub fn of_type(ty: &Type) -> Passing {
        match ty {
            Type::Reference(reference) if reference.mutability.is_some() => Passing::Exclusive,
            Type::Reference(_) => Passing::Shared,
            Type::Group(group) => Passing::of_type(&group.elem),
            Type::Paren(paren) => Passing::of_type(&paren.elem),
            _ => Passing::Owned,
        }
    }

    pub fn of_receiver(receiver: &Receiver) -> Passing {
        if receiver.colon_token.is_some() {
            return Passing::of_type(&receiver.ty);
        }
        match (&receiver.reference, &receiver.mutability) {
            (Some(_), Some(_)) => Passing::Exclusive,
            (Some(_), None) => Passing::Shared,
            (None, _) => Passing::Owned,
        }
    }
}

/// One typed argument.
pub struct Argument {
    pub pat: Pat,
    pub ty: Type,
    pub passing: Passing,
}

/// A validated actor function.
pub struct ActorFn {
    pub item: ItemFn,
    pub receiver: Option<(Receiver, Passing)>,
    pub arguments: Vec<Argument>,
    pub ret: Type,
}

impl ActorFn {
    /// Splits `item`'s inputs; the caller has already checked the signature's shape.
    pub fn new(item: ItemFn, ret: Type) -> Self {
        let mut receiver = None;
        let mut arguments = Vec::new();
        for input in &item.sig.inputs {
            match input {
                FnArg::Receiver(r) => receiver = Some((r.clone(), Passing::of_receiver(r))),
                FnArg::Typed(typed) => arguments.push(Argument {
                    pat: (*typed.pat).clone(),
                    ty: (*typed.ty).clone(),
                    passing: Passing::of_type(&typed.ty),
                }),
            }
        }
        ActorFn {
            item,
            receiver,
            arguments,
            ret,
        }
    }
}
