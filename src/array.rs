//! Array arguments read in place.
//!
//! pgrx's `Array<T>` looks the element type up in the catalog cache on every
//! call and silently flattens multi-dimensional arrays. These arguments are
//! hot (aggregates read one per row), and churnkit's contract is that a
//! multi-dimensional array is an error, so [`ArrayArg`] reads the detoasted
//! `ArrayType` directly: dimensions, NULL bitmap and element data, with no
//! allocation beyond Postgres' own detoasting.
//!
//! The SQL type of an `ArrayArg<bool>` argument is `boolean[]`, of an
//! `ArrayArg<f64>` argument `double precision[]`.

use churnkit_core::ChurnError;
use pgrx::callconv::{Arg, ArgAbi};
use pgrx::pg_sys;
use pgrx::pgrx_sql_entity_graph::metadata::{
    ArgumentError, ReturnsError, ReturnsRef, SqlMappingRef, SqlTranslatable, TypeOrigin,
};
use pgrx::FromDatum;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// An element type of [`ArrayArg`]: fixed-size, passed by value.
pub(crate) trait Element: Copy {
    const OID: pg_sys::Oid;
    /// Bytes per element in the array's data area (size rounded up to the
    /// type's alignment).
    const STRIDE: usize;
    /// # Safety
    /// `p` must point to `STRIDE` readable bytes holding a value of this type.
    unsafe fn read(p: *const u8) -> Self;
}

impl Element for bool {
    const OID: pg_sys::Oid = pg_sys::BOOLOID;
    const STRIDE: usize = 1;
    #[inline]
    unsafe fn read(p: *const u8) -> Self {
        // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
        unsafe { *p != 0 }
    }
}

impl Element for f64 {
    const OID: pg_sys::Oid = pg_sys::FLOAT8OID;
    const STRIDE: usize = 8;
    #[inline]
    unsafe fn read(p: *const u8) -> Self {
        // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
        unsafe { p.cast::<f64>().read_unaligned() }
    }
}

/// A non-NULL array argument, detoasted (in the current memory context when
/// it had to be decompressed or un-packed; otherwise read in place).
pub(crate) struct ArrayArg<'a, T: Element> {
    ptr: NonNull<pg_sys::ArrayType>,
    _elements: PhantomData<&'a T>,
}

impl<'a, T: Element> ArrayArg<'a, T> {
    /// Number of dimensions (0 for an empty array).
    #[inline]
    pub(crate) fn ndim(&self) -> usize {
        // SAFETY: a valid, detoasted ArrayType (checked on construction)
        unsafe { (*self.ptr.as_ptr()).ndim.max(0) as usize }
    }

    /// An error unless the array has at most one dimension. Lower bounds
    /// other than 1 are accepted (the elements are read in order).
    #[inline]
    pub(crate) fn one_dimensional(
        &self,
        function: &'static str,
        argument: &'static str,
    ) -> Result<(), ChurnError> {
        if self.ndim() > 1 {
            Err(ChurnError::new(
                function,
                argument,
                "must be a one-dimensional array",
            ))
        } else {
            Ok(())
        }
    }

    /// Number of elements, NULLs included (of a one-dimensional array).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        if self.ndim() == 0 {
            return 0;
        }
        // SAFETY: ARR_DIMS: `ndim` ints right after the fixed header
        unsafe { dims(self.ptr.as_ptr()).read().max(0) as usize }
    }

    /// The elements in order, `None` for a NULL element (of a
    /// one-dimensional array: call [`Self::one_dimensional`] first).
    #[inline]
    pub(crate) fn iter(&self) -> impl Iterator<Item = Option<T>> + '_ {
        let n = self.len();
        let ptr = self.ptr.as_ptr().cast_const();
        // SAFETY: a detoasted array of `n` elements (one dimension) whose
        // element type was checked on construction; NULL elements take no
        // space in the data area, hence the separate data index.
        let (nulls, data) = unsafe { (null_bitmap(ptr), data_ptr(ptr)) };
        let mut next = 0usize;
        (0..n).map(move |i| {
            if let Some(bits) = nulls {
                // SAFETY: the bitmap has (n + 7) / 8 bytes
                if unsafe { *bits.add(i / 8) } & (1 << (i % 8)) == 0 {
                    return None;
                }
            }
            // SAFETY: `next` < number of non-NULL elements
            let v = unsafe { T::read(data.add(next * T::STRIDE)) };
            next += 1;
            Some(v)
        })
    }
}

/// `ARR_DIMS`: the dimensions, right after the fixed header.
#[inline]
unsafe fn dims(a: *const pg_sys::ArrayType) -> *const i32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        a.cast::<u8>()
            .add(std::mem::size_of::<pg_sys::ArrayType>())
            .cast()
    }
}

/// `ARR_NULLBITMAP`: the NULL bitmap, if the array has one.
#[inline]
unsafe fn null_bitmap(a: *const pg_sys::ArrayType) -> Option<*const u8> {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        if (*a).dataoffset == 0 {
            None
        } else {
            let ndim = (*a).ndim.max(0) as usize;
            Some(a.cast::<u8>().add(
                std::mem::size_of::<pg_sys::ArrayType>() + 2 * ndim * std::mem::size_of::<i32>(),
            ))
        }
    }
}

/// `ARR_DATA_PTR`: the first element.
#[inline]
unsafe fn data_ptr(a: *const pg_sys::ArrayType) -> *const u8 {
    // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
    unsafe {
        let offset = if (*a).dataoffset != 0 {
            (*a).dataoffset as usize
        } else {
            // ARR_OVERHEAD_NONULLS(ndim) = MAXALIGN(header + 2 * ndim * sizeof(int))
            let ndim = (*a).ndim.max(0) as usize;
            let unaligned =
                std::mem::size_of::<pg_sys::ArrayType>() + 2 * ndim * std::mem::size_of::<i32>();
            let align = pg_sys::MAXIMUM_ALIGNOF as usize;
            unaligned.div_ceil(align) * align
        };
        a.cast::<u8>().add(offset)
    }
}

impl<T: Element> FromDatum for ArrayArg<'_, T> {
    unsafe fn from_polymorphic_datum(
        datum: pg_sys::Datum,
        is_null: bool,
        _: pg_sys::Oid,
    ) -> Option<Self> {
        // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
        unsafe {
            if is_null || datum.is_null() {
                return None;
            }
            // a plain (4-byte header, uncompressed, inline) array is read in
            // place; anything else (compressed, out of line, short header,
            // expanded) is flattened by pg_detoast_datum
            let ptr = datum.cast_mut_ptr::<pg_sys::varlena>();
            let detoasted = if pgrx::varatt_is_4b_u(ptr) {
                ptr
            } else {
                pg_sys::pg_detoast_datum(ptr)
            };
            let ptr = NonNull::new(detoasted.cast::<pg_sys::ArrayType>())?;
            if (*ptr.as_ptr()).elemtype != T::OID {
                // not reachable through the SQL signatures
                pgrx::error!(
                    "churnkit: unexpected array element type {:?}",
                    (*ptr.as_ptr()).elemtype
                );
            }
            Some(ArrayArg {
                ptr,
                _elements: PhantomData,
            })
        }
    }
}

// SAFETY: unboxes through FromDatum, which checks the array's element type
unsafe impl<'fcx, T: Element + 'fcx> ArgAbi<'fcx> for ArrayArg<'fcx, T> {
    unsafe fn unbox_arg_unchecked(arg: Arg<'_, 'fcx>) -> Self {
        // SAFETY: the caller keeps this function's contract (its `# Safety`, or Postgres' calling convention)
        unsafe {
            let index = arg.index();
            arg.unbox_arg_using_from_datum()
                .unwrap_or_else(|| panic!("argument {index} must not be null"))
        }
    }
}

// SAFETY: the SQL type named is the one FromDatum reads (boolean[])
unsafe impl SqlTranslatable for ArrayArg<'_, bool> {
    const TYPE_IDENT: &'static str = pgrx::pgrx_resolved_type!(ArrayArg<'_, bool>);
    const TYPE_ORIGIN: TypeOrigin = TypeOrigin::External;
    const ARGUMENT_SQL: Result<SqlMappingRef, ArgumentError> =
        Ok(SqlMappingRef::literal("boolean[]"));
    const RETURN_SQL: Result<ReturnsRef, ReturnsError> = Err(ReturnsError::Datum);
}

// SAFETY: the SQL type named is the one FromDatum reads (double precision[])
unsafe impl SqlTranslatable for ArrayArg<'_, f64> {
    const TYPE_IDENT: &'static str = pgrx::pgrx_resolved_type!(ArrayArg<'_, f64>);
    const TYPE_ORIGIN: TypeOrigin = TypeOrigin::External;
    const ARGUMENT_SQL: Result<SqlMappingRef, ArgumentError> =
        Ok(SqlMappingRef::literal("double precision[]"));
    const RETURN_SQL: Result<ReturnsRef, ReturnsError> = Err(ReturnsError::Datum);
}
