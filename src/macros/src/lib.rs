//! `pg_aggregate!`: one declaration writes a churnkit aggregate's Postgres
//! side — its final, combine, serial and deserial support functions (thin
//! calls of the generic helpers in `src/agg/mod.rs`) and the SQL that
//! creates the transition function(s), the aggregate(s) and their comments.
//! For aggregates over raw rows the transition function is a version-1 C
//! function (see `src/agg/v1.rs`), because it reads its arguments the
//! fastest way Postgres allows: the declaration gives only its body, the
//! macro writes the function around it (`#[pg_guard]`, the argument datums,
//! the state, the return, the `pg_finfo_` record).
//!
//! ```text
//! pg_aggregate! {
//!     name = "survival_agg",
//!     core = SurvivalSummary,              // the core state (churnkit_core::agg::State)
//!     memo = (),                           // what the adapter caches per group (optional)
//!     result = survival_summary,           // the final function's Rust result type
//!     finish = |s| Some(survival_summary(check(s.core.try_clone()))),
//!     empty = 0,                           // optional: a non-strict final, value of a group without rows
//!     sspace = 1024,                       // the planner's per-group estimate, bytes
//!     // c: a V1 C function `<name>_trans` with this body (`state`: the
//!     // `Option<&mut Group>` internal state, `fcinfo`, then one
//!     // `&NullableDatum` per argument; `name?` is an optional trailing
//!     // argument, an `Option<&NullableDatum>`); rust: a #[pg_extern]
//!     // `<name>_trans` written by hand
//!     transition = c |state, fcinfo, [tenure_days, churned]| {
//!         if let Some(t) = v1::float8(tenure_days) {
//!             let s = state_or_new(&mut state, fcinfo, SurvivalAgg::default);
//!             check(s.core.update(t, v1::boolean(churned)));
//!         }
//!     },
//!     overloads = [("tenure_days double precision, churned boolean", "comment")],
//!     requires = [survival_summary],       // SQL objects created before (optional)
//! }
//! ```
//!
//! The support functions are named `<name>_final`, `<name>_combine`,
//! `<name>_serialize`, `<name>_deserialize`; the state is
//! `crate::agg::Group<core, memo>`.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{bracketed, parenthesized, Expr, Ident, LitInt, LitStr, Path, Token, Type};

/// `|state, fcinfo, [required..., optional?...]| block` of `transition = c`.
struct CBody {
    state: Ident,
    fcinfo: Ident,
    required: Vec<Ident>,
    optional: Vec<Ident>,
    block: syn::Block,
}

struct Declaration {
    name: LitStr,
    core: Type,
    memo: Option<Type>,
    result: Type,
    finish: Expr,
    empty: Option<Expr>,
    sspace: LitInt,
    c_transition: bool,
    /// The body of the C transition function.
    c_body: Option<CBody>,
    overloads: Vec<(LitStr, LitStr)>,
    requires: Vec<Path>,
}

impl Parse for Declaration {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (mut name, mut core, mut memo, mut result, mut finish) = (None, None, None, None, None);
        let (mut empty, mut sspace, mut transition) = (None, None, None);
        let mut c_body = None;
        let (mut overloads, mut requires) = (Vec::new(), Vec::new());
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "name" => name = Some(input.parse::<LitStr>()?),
                "core" => core = Some(input.parse::<Type>()?),
                "memo" => memo = Some(input.parse::<Type>()?),
                "result" => result = Some(input.parse::<Type>()?),
                "finish" => finish = Some(input.parse::<Expr>()?),
                "empty" => empty = Some(input.parse::<Expr>()?),
                "sspace" => sspace = Some(input.parse::<LitInt>()?),
                "transition" => {
                    transition = Some(input.parse::<Ident>()?);
                    if input.peek(Token![|]) {
                        input.parse::<Token![|]>()?;
                        let state: Ident = input.parse()?;
                        input.parse::<Token![,]>()?;
                        let fcinfo: Ident = input.parse()?;
                        input.parse::<Token![,]>()?;
                        let list;
                        bracketed!(list in input);
                        let (mut required, mut optional) = (Vec::new(), Vec::new());
                        while !list.is_empty() {
                            let arg: Ident = list.parse()?;
                            if list.peek(Token![?]) {
                                list.parse::<Token![?]>()?;
                                optional.push(arg);
                            } else if !optional.is_empty() {
                                return Err(syn::Error::new(
                                    arg.span(),
                                    "optional arguments (`name?`) come last",
                                ));
                            } else {
                                required.push(arg);
                            }
                            if !list.is_empty() {
                                list.parse::<Token![,]>()?;
                            }
                        }
                        input.parse::<Token![|]>()?;
                        let block: syn::Block = input.parse()?;
                        c_body = Some(CBody {
                            state,
                            fcinfo,
                            required,
                            optional,
                            block,
                        });
                    }
                }
                "overloads" => {
                    let list;
                    bracketed!(list in input);
                    while !list.is_empty() {
                        let pair;
                        parenthesized!(pair in list);
                        let args: LitStr = pair.parse()?;
                        pair.parse::<Token![,]>()?;
                        let comment: LitStr = pair.parse()?;
                        overloads.push((args, comment));
                        if !list.is_empty() {
                            list.parse::<Token![,]>()?;
                        }
                    }
                }
                "requires" => {
                    let list;
                    bracketed!(list in input);
                    let paths: Punctuated<Path, Token![,]> = Punctuated::parse_terminated(&list)?;
                    requires.extend(paths);
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown key `{other}`"),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        let missing =
            |what: &str| syn::Error::new(Span::call_site(), format!("`{what}` is required"));
        let transition = transition.ok_or_else(|| missing("transition"))?;
        let c_transition = match transition.to_string().as_str() {
            "c" => true,
            "rust" => false,
            _ => {
                return Err(syn::Error::new(
                    transition.span(),
                    "transition is `c` or `rust`",
                ))
            }
        };
        if overloads.is_empty() {
            return Err(missing("overloads"));
        }
        if c_transition != c_body.is_some() {
            return Err(syn::Error::new(
                Span::call_site(),
                "`transition = c |state, fcinfo, [args]| { body }` (the C function's body) or `transition = rust`",
            ));
        }
        Ok(Declaration {
            name: name.ok_or_else(|| missing("name"))?,
            core: core.ok_or_else(|| missing("core"))?,
            memo,
            result: result.ok_or_else(|| missing("result"))?,
            finish: finish.ok_or_else(|| missing("finish"))?,
            empty,
            sspace: sspace.ok_or_else(|| missing("sspace"))?,
            c_transition,
            c_body,
            overloads,
            requires,
        })
    }
}

/// The argument types of a signature (`"window" interval, steps boolean[]`
/// → `interval, boolean[]`), as `COMMENT ON AGGREGATE` names them.
fn types_of(signature: &str) -> String {
    signature
        .split(',')
        .map(|arg| {
            let arg = arg.trim();
            let rest = match arg.strip_prefix('"') {
                Some(quoted) => quoted.split_once('"').map_or("", |(_, r)| r),
                None => arg.split_once(' ').map_or("", |(_, r)| r),
            };
            rest.trim().to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL of the transition function(s), aggregate(s) and comments.
fn sql(d: &Declaration) -> String {
    let name = d.name.value();
    let mut out = String::from("\n");
    for (args, _) in &d.overloads {
        if d.c_transition {
            out.push_str(&format!(
                "CREATE FUNCTION {name}_trans(state internal, {args})\n\
                 RETURNS internal IMMUTABLE PARALLEL SAFE LANGUAGE c AS 'MODULE_PATHNAME', '{name}_trans';\n",
                args = args.value()
            ));
        }
    }
    for (args, _) in &d.overloads {
        out.push_str(&format!(
            "CREATE AGGREGATE {name}({args}) (\n    SFUNC = {name}_trans,\n    STYPE = internal,\n    \
             SSPACE = {sspace},\n    FINALFUNC = {name}_final,\n    COMBINEFUNC = {name}_combine,\n    \
             SERIALFUNC = {name}_serialize,\n    DESERIALFUNC = {name}_deserialize,\n    PARALLEL = SAFE\n);\n",
            args = args.value(),
            sspace = d.sspace.base10_digits()
        ));
    }
    for (args, comment) in &d.overloads {
        out.push_str(&format!(
            "COMMENT ON AGGREGATE {name}({types}) IS\n    '{comment}';\n",
            types = types_of(&args.value()),
            comment = comment.value().replace('\'', "''")
        ));
    }
    out
}

/// See the crate documentation.
#[proc_macro]
pub fn pg_aggregate(input: TokenStream) -> TokenStream {
    let d = syn::parse_macro_input!(input as Declaration);
    expand(&d).into()
}

fn expand(d: &Declaration) -> TokenStream2 {
    let name = d.name.value();
    let ident = |suffix: &str| format_ident!("{}_{}", name, suffix, span = Span::call_site());
    let (final_fn, combine, serialize, deserialize) = (
        ident("final"),
        ident("combine"),
        ident("serialize"),
        ident("deserialize"),
    );
    let core = &d.core;
    let memo = d.memo.clone().unwrap_or_else(|| syn::parse_quote!(()));
    let state = quote!(crate::agg::Group<#core, #memo>);
    let (result, finish) = (&d.result, &d.finish);
    let final_fn = match &d.empty {
        None => quote! {
            #[::pgrx::pg_extern(immutable, strict, parallel_safe)]
            fn #final_fn(state: ::pgrx::Internal) -> Option<#result> {
                let finish: fn(&mut #state) -> Option<#result> = #finish;
                crate::agg::finish::<#state, #result>(state, finish)
            }
        },
        Some(empty) => quote! {
            /// Not strict: a group without rows is a value, not NULL.
            #[::pgrx::pg_extern(immutable, parallel_safe)]
            fn #final_fn(state: ::pgrx::Internal) -> #result {
                let finish: fn(&mut #state) -> Option<#result> = #finish;
                crate::agg::finish::<#state, #result>(state, finish).unwrap_or(#empty)
            }
        },
    };
    let sql = LitStr::new(&sql(d), Span::call_site());
    let transition = d.c_body.as_ref().map(|body| c_transition(&name, body));
    let requires = d.requires.iter();
    let final_ident = ident("final");
    quote! {
        #transition

        #final_fn

        #[::pgrx::pg_extern(immutable, parallel_safe)]
        fn #combine(
            state: ::pgrx::Internal,
            other: ::pgrx::Internal,
            fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> ::pgrx::Internal {
            crate::agg::combine::<#state>(state, other, fcinfo)
        }

        #[::pgrx::pg_extern(immutable, strict, parallel_safe)]
        fn #serialize(state: ::pgrx::Internal) -> Vec<u8> {
            crate::agg::serialize::<#state>(state)
        }

        #[::pgrx::pg_extern(immutable, strict, parallel_safe)]
        fn #deserialize(bytes: &[u8], state: ::pgrx::Internal) -> ::pgrx::Internal {
            let _ = state; // a placeholder (always NULL) in the signature Postgres requires
            crate::agg::deserialize::<#state>(bytes)
        }

        ::pgrx::extension_sql!(
            #sql,
            name = #name,
            requires = [#(#requires,)* #final_ident, #combine, #serialize, #deserialize],
        );
    }
}

/// The version-1 C transition function `<name>_trans` around `body`.
fn c_transition(name: &str, body: &CBody) -> TokenStream2 {
    let CBody {
        state,
        fcinfo,
        required,
        optional,
        block,
    } = body;
    let trans = format_ident!("{}_trans", name, span = Span::call_site());
    let finfo = format_ident!("pg_finfo_{}_trans", name, span = Span::call_site());
    let datum = quote!(&::pgrx::pg_sys::NullableDatum);
    // one match arm per number of optional arguments given
    let arms = (0..=optional.len()).map(|given| {
        let bound: Vec<Ident> = required
            .iter()
            .chain(&optional[..given])
            .map(|a| format_ident!("given_{}", a))
            .collect();
        let req = bound[..required.len()].iter();
        let opt = bound[required.len()..].iter().map(|b| quote!(Some(#b)));
        let absent = (given..optional.len()).map(|_| quote!(None::<#datum>));
        quote! {
            [given_state, #(#bound),*] => (given_state, #(#req,)* #(#opt,)* #(#absent,)*)
        }
    });
    let expected = if optional.is_empty() {
        format!("{name}_trans: expected {} arguments", required.len() + 1)
    } else {
        format!(
            "{name}_trans: expected {} to {} arguments",
            required.len() + 1,
            required.len() + optional.len() + 1
        )
    };
    let args = required.iter().chain(optional.iter());
    let doc = format!(
        " `{name}_trans`: the transition function of `{name}`, a version-1 C function \
         (see `src/agg/v1.rs`) written by `pg_aggregate!` around the body declared there."
    );
    quote! {
        #[doc = #doc]
        ///
        /// # Safety
        /// Called by Postgres with the arguments of its `CREATE FUNCTION`.
        #[::pgrx::pg_guard]
        #[unsafe(no_mangle)]
        pub unsafe extern "C-unwind" fn #trans(
            #fcinfo: ::pgrx::pg_sys::FunctionCallInfo,
        ) -> ::pgrx::pg_sys::Datum {
            // SAFETY: Postgres calls it with a valid `fcinfo` and the
            // arguments of its CREATE FUNCTION (the state, then the
            // aggregate's arguments), which is what the body reads
            unsafe {
                let (given_state, #(#args,)*) = match crate::agg::v1::args(#fcinfo) {
                    #(#arms,)*
                    _ => ::pgrx::error!(#expected),
                };
                #[allow(unused_mut)]
                let mut #state = crate::agg::v1::internal(given_state);
                #block
                crate::agg::v1::return_internal(#fcinfo, #state)
            }
        }
        crate::agg::v1::function_info_v1!(#finfo);
    }
}
