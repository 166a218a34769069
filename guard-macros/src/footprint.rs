//! `#[derive(Footprint)]`: an impl of `get_size2::GetSize` (through `::errguard::__private`)
//! that sums the heap bytes of every field not marked `#[footprint(skip)]`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Field, Fields, Index};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let body = match &input.data {
        Data::Struct(data) => {
            let (pattern, sum) = destructure(&data.fields)?;
            quote! {
                let #name #pattern = self;
                #sum
            }
        }
        Data::Enum(data) => {
            let arms = data
                .variants
                .iter()
                .map(|variant| {
                    let ident = &variant.ident;
                    let (pattern, sum) = destructure(&variant.fields)?;
                    Ok(quote! { #name::#ident #pattern => { #sum } })
                })
                .collect::<syn::Result<Vec<_>>>()?;
            quote! {
                match self {
                    #(#arms)*
                    #[allow(unreachable_patterns)]
                    _ => (0, tracker),
                }
            }
        }
        Data::Union(data) => {
            return Err(syn::Error::new_spanned(
                data.union_token,
                "#[derive(Footprint)] cannot measure a union: the active field is unknown",
            ));
        }
    };
    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param
            .bounds
            .push(syn::parse_quote!(::errguard::__private::GetSize));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics ::errguard::__private::GetSize for #name #ty_generics #where_clause {
            #[allow(unused_mut, unused_variables)]
            fn get_heap_size_with_tracker<__Tracker: ::errguard::__private::GetSizeTracker>(
                &self,
                tracker: __Tracker,
            ) -> (usize, __Tracker) {
                #body
            }
        }
    })
}

/// A pattern binding every field, and the expression summing the measured ones.
fn destructure(fields: &Fields) -> syn::Result<(TokenStream, TokenStream)> {
    let mut bindings = Vec::new();
    let mut measured = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let binding = format_ident!("__field_{}", index);
        let member = match &field.ident {
            Some(ident) => quote!(#ident),
            None => {
                let index = Index::from(index);
                quote!(#index)
            }
        };
        bindings.push(quote!(#member: #binding));
        if !is_skipped(field)? {
            measured.push(binding);
        }
    }
    let pattern = match fields {
        Fields::Unit => quote!(),
        _ => quote!({ #(#bindings,)* .. }),
    };
    let sum = quote! {
        let mut total = 0usize;
        let mut tracker = tracker;
        #(
            let (bytes, next) = ::errguard::__private::GetSize::get_heap_size_with_tracker(#measured, tracker);
            total += bytes;
            tracker = next;
        )*
        (total, tracker)
    };
    Ok((pattern, sum))
}

fn is_skipped(field: &Field) -> syn::Result<bool> {
    let mut skip = false;
    for attr in field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("footprint"))
    {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                skip = true;
                Ok(())
            } else {
                Err(meta.error("unknown footprint attribute; expected `skip`"))
            }
        })?;
    }
    Ok(skip)
}
