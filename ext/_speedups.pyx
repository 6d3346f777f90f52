# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True, binding=True, embedsignature=True
"""The Cython twin of :mod:`vtl._native`: the same helpers with the same signatures and results.

Built as ``vtl._speedups`` by the package's build (``setup.py``; optional: without a compiler the
pure-Python twin is used). :mod:`vtl.speedups` chooses between the two at import. Each function
here returns exactly what its pure twin returns (``tests/test_speedups.py`` compares them on
random inputs); where an input would make the JDK throw, the function calls its pure twin,
so every error and its message text exist once, in ``vtl/_native.py``.

Strings are read and written in CPython's own representation (1, 2 or 4 bytes per character),
two passes: one to measure, one to write into a string allocated once.

Besides the string helpers: json-smart's containers for a decoded payload (``as_json_smart``),
Jayway JsonPath over a ``vtl.jsonpath.CompiledPath``'s steps (``jsonpath_select``,
``jsonpath_read``: the pure walk of ``vtl.jsonpath``, step for step; the common filter predicates,
existence tests and comparisons with ``&&``/``||``, are evaluated here, the others by their Python
objects) and the final output pass (``java_output_text``). JSONPath's exceptions are
``vtl.jsonpath``'s own classes with the pure walk's message texts.

And what generated code calls for every reference (``get_property``, ``call_method``,
``call_method0``, ``call_method1``): the same lookups in the same per-type tables of
``vtl.runtime.objects``, without the interpreter's cost per call.
"""
from libc.math cimport copysign
from libc.string cimport memcpy
from cpython.dict cimport PyDict_CheckExact, PyDict_GetItemWithError, PyDict_Next, PyDict_SetItem
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.object cimport PyObject
from cpython.sequence cimport PySequence_GetItem
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (Py_UCS1, Py_UCS2, PyUnicode_1BYTE_DATA, PyUnicode_1BYTE_KIND,
                              PyUnicode_2BYTE_KIND, PyUnicode_4BYTE_KIND, PyUnicode_DATA,
                              PyUnicode_FromKindAndData, PyUnicode_GET_LENGTH, PyUnicode_KIND,
                              PyUnicode_New, PyUnicode_READ, PyUnicode_WRITE, PyUnicode_Compare)

from decimal import Decimal

from vtl import _native
from vtl.runtime.objects import (MAP_TYPES as _MAP_TYPES, JavaObject, NoMatchingOverload as _NoMatchingOverload,
                                 _callable_cache, _callables, _callables_by_name, _getter_cache,
                                 property_getter as _property_getter)

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object o)
    object PyUnicode_DecodeUTF8(const char *data, Py_ssize_t size, const char *errors)
    int Py_EnterRecursiveCall(const char *where)  # nonzero, with RecursionError set, when too deep
    void Py_LeaveRecursiveCall()


cdef inline int _enter(const char *where) except -1:
    """Counts a nesting level against Python's recursion limit, as the pure twin's frames do."""
    if Py_EnterRecursiveCall(where):
        return -1
    return 0

#: Must equal vtl._native.API_VERSION, or vtl.speedups ignores this build as stale.
API_VERSION = 9

cdef extern from *:
    """
    #include "vtl_source_hashes.h"  /* written by setup.py */
    """
    const char *VTL_SPEEDUPS_SOURCE_HASH
    const char *VTL_FRONT_END_SOURCE_HASH

#: The hash of the .pyx this was built from (setup.py passes it): a build older than the source
#: in a checkout is ignored by vtl.speedups.
SOURCE_HASH = VTL_SPEEDUPS_SOURCE_HASH.decode("ascii")
#: The same for the compiled front end (vtl/lexer.py, parser.py, codegen.py and their ext/vtl/*.pxd),
#: built alongside.
FRONT_END_SOURCE_HASH = VTL_FRONT_END_SOURCE_HASH.decode("ascii")

cdef object _py_url_decode = _native.url_decode
cdef object _py_base64_decode = _native.base64_decode
cdef object _py_shortest_digits = _native._shortest_digits
cdef object _Decimal = Decimal
cdef object _JavaObject = JavaObject
cdef double _INF = float("inf")

cdef const char *HEX = b"0123456789ABCDEF"


cdef inline int _require_str(object text) except -1:
    # A str subclass is a str here, as in the pure twin (the C API reads any str's characters).
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    return 0


# --------------------------------------------------------------------------------------------
# $util.escapeJavaScript


ctypedef fused ucs_t:
    Py_UCS1
    Py_UCS2
    Py_UCS4

# Output width of a character below 128 (1 kept, 2 short escape, 6 \uXXXX) and the letter after
# the backslash of a short escape.
cdef unsigned char JS_WIDTH[128]
cdef unsigned char JS_SHORT[128]


def escape_javascript(text):
    """commons-lang 2.x ``StringEscapeUtils.escapeJavaScript``, per UTF-16 unit."""
    _require_str(text)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), size
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        size = _js_measure(<Py_UCS1 *>data, length)
    elif kind == PyUnicode_2BYTE_KIND:
        size = _js_measure(<Py_UCS2 *>data, length)
    else:
        size = _js_measure(<Py_UCS4 *>data, length)
    if size == length:
        return text
    result = PyUnicode_New(size, 127)  # the escaped text is ASCII
    cdef Py_UCS1 *out = PyUnicode_1BYTE_DATA(result)
    if kind == PyUnicode_1BYTE_KIND:
        _js_write(<Py_UCS1 *>data, length, out)
    elif kind == PyUnicode_2BYTE_KIND:
        _js_write(<Py_UCS2 *>data, length, out)
    else:
        _js_write(<Py_UCS4 *>data, length, out)
    return result


cdef Py_ssize_t _js_measure(const ucs_t *data, Py_ssize_t length) noexcept nogil:
    cdef Py_ssize_t i, size = 0
    cdef Py_UCS4 ch
    for i in range(length):
        ch = data[i]
        if ch < 128:
            size += JS_WIDTH[ch]
        elif ch > 0xFFFF:
            size += 12
        else:
            size += 6
    return size


cdef void _js_write(const ucs_t *data, Py_ssize_t length, Py_UCS1 *out) noexcept nogil:
    cdef Py_ssize_t i, o = 0
    cdef unsigned int ch
    for i in range(length):
        ch = data[i]
        if ch < 128:
            if JS_WIDTH[ch] == 1:
                out[o] = <Py_UCS1>ch
                o += 1
            elif JS_WIDTH[ch] == 2:
                out[o] = 0x5C
                out[o + 1] = JS_SHORT[ch]
                o += 2
            else:
                o = _write_u_escape(out, o, ch)
        elif ch > 0xFFFF:
            ch -= 0x10000
            o = _write_u_escape(out, o, 0xD800 + (ch >> 10))
            o = _write_u_escape(out, o, 0xDC00 + (ch & 0x3FF))
        else:
            o = _write_u_escape(out, o, ch)


cdef inline Py_ssize_t _write_u_escape(Py_UCS1 *out, Py_ssize_t o, unsigned int code) noexcept nogil:
    out[o] = 0x5C
    out[o + 1] = 0x75
    out[o + 2] = HEX[(code >> 12) & 0xF]
    out[o + 3] = HEX[(code >> 8) & 0xF]
    out[o + 4] = HEX[(code >> 4) & 0xF]
    out[o + 5] = HEX[code & 0xF]
    return o + 6


# --------------------------------------------------------------------------------------------
# $util.urlEncode / urlDecode

cdef unsigned char URL_SAFE[256]
cdef unsigned char JSON_WIDTH[256]
cdef unsigned char JSON_SHORT[256]
cdef signed char HEX_VALUE[256]


cdef void _init_tables() noexcept:
    cdef int byte
    for byte in range(128):
        JS_WIDTH[byte] = 1 if byte >= 0x20 else 6
        JS_SHORT[byte] = byte
    for byte in b"'\"\\/":
        JS_WIDTH[byte] = 2
    for byte in range(256):
        JSON_WIDTH[byte] = 6 if byte <= 0x1F or 0x7F <= byte <= 0x9F else 1
        JSON_SHORT[byte] = byte
    for byte in b"\"\\/":
        JSON_WIDTH[byte] = 2
    for byte, letter in zip(b"\b\t\n\f\r", b"btnfr"):
        JS_WIDTH[byte] = JSON_WIDTH[byte] = 2
        JS_SHORT[byte] = JSON_SHORT[byte] = letter
    for byte in range(256):
        URL_SAFE[byte] = (0x61 <= byte <= 0x7A or 0x41 <= byte <= 0x5A or 0x30 <= byte <= 0x39
                          or byte == 0x2E or byte == 0x2D or byte == 0x2A or byte == 0x5F)
        HEX_VALUE[byte] = (byte - 0x30 if 0x30 <= byte <= 0x39 else byte - 0x57 if 0x61 <= byte <= 0x66
                           else byte - 0x37 if 0x41 <= byte <= 0x46 else -1)


_init_tables()


cdef inline bytes _utf8(text):
    """String.getBytes(UTF_8): an unpaired surrogate becomes '?'."""
    return text.encode("utf-8", "replace")


def url_encode(text):
    """``java.net.URLEncoder.encode(text, "UTF-8")``."""
    _require_str(text)
    cdef bytes raw
    cdef const unsigned char *data
    cdef Py_ssize_t length, i, size = 0, o = 0
    cdef unsigned char byte
    if PyUnicode_IS_ASCII(text):
        data = PyUnicode_1BYTE_DATA(text)
        length = PyUnicode_GET_LENGTH(text)
    else:
        raw = _utf8(text)
        data = raw
        length = len(raw)
    for i in range(length):
        size += 1 if URL_SAFE[data[i]] or data[i] == 0x20 else 3
    if size == length and PyUnicode_IS_ASCII(text):
        # Only safe bytes and spaces.
        for i in range(length):
            if data[i] == 0x20:
                break
        else:
            return text
    result = PyUnicode_New(size, 127)
    cdef Py_UCS1 *out = PyUnicode_1BYTE_DATA(result)
    for i in range(length):
        byte = data[i]
        if URL_SAFE[byte]:
            out[o] = byte
            o += 1
        elif byte == 0x20:
            out[o] = 0x2B
            o += 1
        else:
            out[o] = 0x25
            out[o + 1] = HEX[byte >> 4]
            out[o + 2] = HEX[byte & 0xF]
            o += 3
    return result


def url_decode(text):
    """``java.net.URLDecoder.decode(text, "UTF-8")``, including its exceptions."""
    _require_str(text)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), i = 0, o = 0, count, j
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 ch, first, second
    cdef bint plain = True, ascii_run
    for i in range(length):
        ch = PyUnicode_READ(kind, data, i)
        if ch == 0x25 or ch == 0x2B:
            plain = False
            break
    if plain:
        return text
    cdef Py_UCS4 *out = <Py_UCS4 *>PyMem_Malloc(length * sizeof(Py_UCS4) + 1)
    cdef char *raw = <char *>PyMem_Malloc(length // 3 + 1)
    if out == NULL or raw == NULL:
        PyMem_Free(out)
        PyMem_Free(raw)
        raise MemoryError()
    try:
        i = 0
        while i < length:
            ch = PyUnicode_READ(kind, data, i)
            if ch == 0x2B:
                out[o] = 0x20
                o += 1
                i += 1
            elif ch == 0x25:
                count = 0
                ascii_run = True
                while i + 2 < length and PyUnicode_READ(kind, data, i) == 0x25:
                    first = PyUnicode_READ(kind, data, i + 1)
                    second = PyUnicode_READ(kind, data, i + 2)
                    if first > 0xFF or second > 0xFF or HEX_VALUE[first] < 0 or HEX_VALUE[second] < 0:
                        return _py_url_decode(text)  # a sign, or an error: the reference decides
                    raw[count] = <char>(HEX_VALUE[first] * 16 + HEX_VALUE[second])
                    if HEX_VALUE[first] >= 8:
                        ascii_run = False
                    count += 1
                    i += 3
                if i < length and PyUnicode_READ(kind, data, i) == 0x25:
                    return _py_url_decode(text)  # incomplete trailing escape: raises
                if ascii_run:
                    for j in range(count):
                        out[o] = <unsigned char>raw[j]
                        o += 1
                else:
                    decoded = PyUnicode_DecodeUTF8(raw, count, "replace")
                    for ch in <str>decoded:
                        out[o] = ch
                        o += 1
            else:
                out[o] = ch
                o += 1
                i += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, o)
    finally:
        PyMem_Free(out)
        PyMem_Free(raw)


# --------------------------------------------------------------------------------------------
# $util.base64Encode / base64Decode
#
# Both work on bytes in C. The text's UTF-8 bytes are written here (not by str.encode: ASCII
# runs go a vector at a time); decoded bytes that are all ASCII become the str directly, others
# go to CPython's UTF-8 decoder (its "replace" rules are the pure twin's). The bytes live in a
# scratch buffer kept between calls.

cdef const char *B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
cdef signed char B64_VALUE[256]
cdef unsigned short B64_PAIRS[4096]  # the two characters of each 12-bit group, as stored in memory
# A character's 6 bits already in place for each position of a group of four; an invalid
# character sets bit 31 (B64_BAD), so one OR over all the groups validates them.
cdef unsigned int B64_DECODE[4][256]
cdef unsigned int B64_BAD = 0x80000000


cdef void _init_base64() noexcept:
    cdef int index, position
    for index in range(256):
        B64_VALUE[index] = -1
    for index in range(64):
        B64_VALUE[<unsigned char>B64[index]] = index
    for position in range(4):
        for index in range(256):
            B64_DECODE[position][index] = (B64_BAD if B64_VALUE[index] < 0
                                           else (<unsigned int>B64_VALUE[index]) << (18 - 6 * position))
    cdef unsigned char pair[2]
    for index in range(4096):
        pair[0] = B64[index >> 6]
        pair[1] = B64[index & 0x3F]
        memcpy(&B64_PAIRS[index], pair, 2)


_init_base64()


# The scratch buffer: taken while no Python code runs. A call that finds it taken (re-entered
# from a finalizer during an allocation) gets a buffer of its own; so does a very large input.
cdef unsigned char *_scratch = NULL
cdef Py_ssize_t _scratch_size = 0
cdef bint _scratch_busy = False
cdef Py_ssize_t SCRATCH_KEEP = 1 << 20


cdef unsigned char *_take_scratch(Py_ssize_t size) except NULL:
    global _scratch, _scratch_size, _scratch_busy
    cdef unsigned char *buffer
    if _scratch_busy or size > SCRATCH_KEEP:
        buffer = <unsigned char *>PyMem_Malloc(size + 8)
        if buffer == NULL:
            raise MemoryError()
        return buffer
    if size > _scratch_size:
        buffer = <unsigned char *>PyMem_Malloc(size + 8)
        if buffer == NULL:
            raise MemoryError()
        PyMem_Free(_scratch)
        _scratch, _scratch_size = buffer, size
    _scratch_busy = True
    return _scratch


cdef void _give_back(unsigned char *buffer) noexcept:
    global _scratch_busy
    if buffer == _scratch:
        _scratch_busy = False
    else:
        PyMem_Free(buffer)


cdef extern from *:
    """
    #include <string.h>
    #include <stdint.h>
    #if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
    #include <emmintrin.h>
    #define VTL_SSE2 1
    #endif

    /* The UTF-8 of one code point (a surrogate is '?', as encode("utf-8", "replace")). */
    static inline Py_ssize_t vtl_utf8_put(uint32_t ch, unsigned char *out) {
        if (ch < 0x80) { out[0] = (unsigned char)ch; return 1; }
        if (ch < 0x800) {
            out[0] = (unsigned char)(0xC0 | (ch >> 6)); out[1] = (unsigned char)(0x80 | (ch & 0x3F));
            return 2;
        }
        if ((ch >> 11) == 0x1B) { out[0] = '?'; return 1; }
        if (ch < 0x10000) {
            out[0] = (unsigned char)(0xE0 | (ch >> 12)); out[1] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
            out[2] = (unsigned char)(0x80 | (ch & 0x3F));
            return 3;
        }
        out[0] = (unsigned char)(0xF0 | (ch >> 18)); out[1] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
        out[2] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F)); out[3] = (unsigned char)(0x80 | (ch & 0x3F));
        return 4;
    }

    /* String.getBytes(UTF_8) of a str's code units into out (room for 4 bytes a unit, plus 16):
       the byte count. ASCII runs go 8 or 16 units at a time where SSE2 is there. Kept out of
       line at a cache-line boundary: inlined where the compiler chose, base64 of mixed text
       swung between 40 and 64 us for 50 KB with unrelated changes elsewhere in the module. */
    #if defined(__GNUC__) || defined(__clang__)
    #define VTL_OUT_OF_LINE __attribute__((noinline, aligned(64)))
    #else
    #define VTL_OUT_OF_LINE
    #endif
    VTL_OUT_OF_LINE static Py_ssize_t vtl_utf8_ucs1(const Py_UCS1 *data, Py_ssize_t length, unsigned char *out) {
        Py_ssize_t i = 0, o = 0;
        while (i < length) {
    #ifdef VTL_SSE2
            if (i + 16 <= length) {
                __m128i v = _mm_loadu_si128((const __m128i *)(data + i));
                unsigned int high = (unsigned int)_mm_movemask_epi8(v);
                _mm_storeu_si128((__m128i *)(out + o), v);
                if (high == 0) { i += 16; o += 16; continue; }
                unsigned int ascii = (unsigned int)__builtin_ctz(high);
                i += ascii; o += ascii;
            }
    #endif
            o += vtl_utf8_put(data[i], out + o);
            i++;
        }
        return o;
    }

    VTL_OUT_OF_LINE static Py_ssize_t vtl_utf8_ucs2(const Py_UCS2 *data, Py_ssize_t length, unsigned char *out) {
        Py_ssize_t i = 0, o = 0;
    #ifdef VTL_SSE2
        const __m128i not_ascii = _mm_set1_epi16((short)0xFF80), zero = _mm_setzero_si128();
    #endif
        while (i < length) {
    #ifdef VTL_SSE2
            if (i + 8 <= length) {
                __m128i v = _mm_loadu_si128((const __m128i *)(data + i));
                unsigned int ascii_bits = (unsigned int)_mm_movemask_epi8(
                    _mm_cmpeq_epi16(_mm_and_si128(v, not_ascii), zero));
                _mm_storel_epi64((__m128i *)(out + o), _mm_packus_epi16(v, v));
                if (ascii_bits == 0xFFFF) { i += 8; o += 8; continue; }
                unsigned int ascii = (unsigned int)__builtin_ctz(~ascii_bits) / 2;
                i += ascii; o += ascii;
            }
    #endif
            o += vtl_utf8_put(data[i], out + o);
            i++;
        }
        return o;
    }

    VTL_OUT_OF_LINE static Py_ssize_t vtl_utf8_ucs4(const Py_UCS4 *data, Py_ssize_t length, unsigned char *out) {
        Py_ssize_t i = 0, o = 0;
    #ifdef VTL_SSE2
        const __m128i top_ascii = _mm_set1_epi32(0x7F);
    #endif
        while (i < length) {
    #ifdef VTL_SSE2
            if (i + 8 <= length) {
                __m128i a = _mm_loadu_si128((const __m128i *)(data + i));
                __m128i b = _mm_loadu_si128((const __m128i *)(data + i + 4));
                /* code points are at most 0x10FFFF: the signed comparison is right */
                __m128i big = _mm_packs_epi32(_mm_cmpgt_epi32(a, top_ascii), _mm_cmpgt_epi32(b, top_ascii));
                __m128i narrow = _mm_packs_epi32(a, b);
                _mm_storel_epi64((__m128i *)(out + o), _mm_packus_epi16(narrow, narrow));
                unsigned int high = (unsigned int)_mm_movemask_epi8(big);
                if (high == 0) { i += 8; o += 8; continue; }
                unsigned int ascii = (unsigned int)__builtin_ctz(high) / 2;
                i += ascii; o += ascii;
            }
    #endif
            o += vtl_utf8_put(data[i], out + o);
            i++;
        }
        return o;
    }

    /* Base64 with SSSE3 (x86 with GCC or Clang; chosen at run time): twelve bytes, sixteen
       characters (W. Mula, "Base64 encoding with SIMD instructions"). Each 32-bit lane gets
       the bytes s1 s0 s2 s1 of a group; two multiplications move the four 6-bit indexes into
       its four bytes; pshufb adds the offset of each index's range of the alphabet. Returns the
       bytes consumed (a multiple of 12), leaving at least 4 unread. */
    #if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    #include <tmmintrin.h>
    #define VTL_SSSE3 1
    __attribute__((target("ssse3")))
    static Py_ssize_t vtl_base64_ssse3(const unsigned char *data, Py_ssize_t length, unsigned char *out) {
        const __m128i spread = _mm_set_epi8(10, 11, 9, 10, 7, 8, 6, 7, 4, 5, 3, 4, 1, 2, 0, 1);
        /* by range: 26..51, ten digits 52..61, 62, 63, 0..25 */
        const __m128i offsets = _mm_setr_epi8('a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
                                              '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '+' - 62,
                                              '/' - 63, 'A', 0, 0);
        Py_ssize_t i = 0, o = 0;
        for (; i + 16 <= length; i += 12, o += 16) {
            __m128i in = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + i)), spread);
            __m128i high = _mm_mulhi_epu16(_mm_and_si128(in, _mm_set1_epi32(0x0FC0FC00)), _mm_set1_epi32(0x04000040));
            __m128i low = _mm_mullo_epi16(_mm_and_si128(in, _mm_set1_epi32(0x003F03F0)), _mm_set1_epi32(0x01000010));
            __m128i indexes = _mm_or_si128(high, low);
            /* 0..51 -> 0, 52..61 -> 1..10, 62 -> 11, 63 -> 12; then 0..25 -> 13 */
            __m128i range = _mm_subs_epu8(indexes, _mm_set1_epi8(51));
            range = _mm_or_si128(range, _mm_and_si128(_mm_cmpgt_epi8(_mm_set1_epi8(26), indexes), _mm_set1_epi8(13)));
            _mm_storeu_si128((__m128i *)(out + o), _mm_add_epi8(indexes, _mm_shuffle_epi8(offsets, range)));
        }
        return i;
    }
    static int vtl_ssse3_usable = -1;  /* -1: not asked yet */
    #endif
    static int vtl_vectors_allowed = 1;  /* the tests turn the run-time choice off and on */

    /* Base64 of data into out: six bytes, eight characters, four look-ups of the pair table
       (the two characters of a 12-bit group as they lie in memory). */
    static void vtl_base64_encode(const unsigned char *data, Py_ssize_t length, unsigned char *out,
                                  const uint16_t *pairs, const char *alphabet) {
        Py_ssize_t i = 0, o = 0;
        uint32_t group;
    #ifdef VTL_SSSE3
        if (vtl_ssse3_usable < 0) {
            __builtin_cpu_init();
            vtl_ssse3_usable = __builtin_cpu_supports("ssse3") ? 1 : 0;
        }
        if (vtl_ssse3_usable && vtl_vectors_allowed && length >= 16) {
            i = vtl_base64_ssse3(data, length, out);
            o = i / 3 * 4;
        }
    #endif
        while (i + 6 <= length) {
            uint64_t bits = ((uint64_t)data[i] << 40) | ((uint64_t)data[i + 1] << 32) | ((uint64_t)data[i + 2] << 24)
                          | ((uint64_t)data[i + 3] << 16) | ((uint64_t)data[i + 4] << 8) | (uint64_t)data[i + 5];
            uint16_t quad[4];
            quad[0] = pairs[(bits >> 36) & 0xFFF];
            quad[1] = pairs[(bits >> 24) & 0xFFF];
            quad[2] = pairs[(bits >> 12) & 0xFFF];
            quad[3] = pairs[bits & 0xFFF];
            memcpy(out + o, quad, 8);
            i += 6; o += 8;
        }
        if (i + 3 <= length) {
            group = ((uint32_t)data[i] << 16) | ((uint32_t)data[i + 1] << 8) | data[i + 2];
            memcpy(out + o, &pairs[group >> 12], 2);
            memcpy(out + o + 2, &pairs[group & 0xFFF], 2);
            i += 3; o += 4;
        }
        if (length - i == 1) {
            group = (uint32_t)data[i] << 16;
            out[o] = alphabet[group >> 18]; out[o + 1] = alphabet[(group >> 12) & 0x3F];
            out[o + 2] = '='; out[o + 3] = '=';
        } else if (length - i == 2) {
            group = ((uint32_t)data[i] << 16) | ((uint32_t)data[i + 1] << 8);
            out[o] = alphabet[group >> 18]; out[o + 1] = alphabet[(group >> 12) & 0x3F];
            out[o + 2] = alphabet[(group >> 6) & 0x3F]; out[o + 3] = '=';
        }
    }

    static int vtl_allow_vectors(int allowed) {
        int before = vtl_vectors_allowed;
        vtl_vectors_allowed = allowed;
        return before;
    }

    /* How many bytes from data[0] are ASCII (at most length), looking 16 (SSE2) or 8 at a time. */
    static inline Py_ssize_t vtl_ascii_run(const unsigned char *data, Py_ssize_t length) {
        Py_ssize_t i = 0;
    #ifdef VTL_SSE2
        while (i + 16 <= length) {
            unsigned int high = (unsigned int)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(data + i)));
            if (high) return i + __builtin_ctz(high);
            i += 16;
        }
    #else
        uint64_t word;
        while (i + 8 <= length) {
            memcpy(&word, data + i, 8);
            if (word & 0x8080808080808080ULL) break;
            i += 8;
        }
    #endif
        while (i < length && data[i] < 0x80) i++;
        return i;
    }
    """
    Py_ssize_t vtl_utf8_ucs1(const Py_UCS1 *data, Py_ssize_t length, unsigned char *out) noexcept nogil
    Py_ssize_t vtl_utf8_ucs2(const Py_UCS2 *data, Py_ssize_t length, unsigned char *out) noexcept nogil
    Py_ssize_t vtl_utf8_ucs4(const Py_UCS4 *data, Py_ssize_t length, unsigned char *out) noexcept nogil
    void vtl_base64_encode(const unsigned char *data, Py_ssize_t length, unsigned char *out,
                           const unsigned short *pairs, const char *alphabet) noexcept nogil
    Py_ssize_t vtl_ascii_run(const unsigned char *data, Py_ssize_t length) noexcept nogil
    int vtl_allow_vectors(int allowed) noexcept nogil


def _allow_vectors(allowed):
    """Testing aid: whether the helpers may pick vector code at run time (SSSE3 base64); the
    previous setting."""
    return bool(vtl_allow_vectors(1 if allowed else 0))


def base64_encode(text):
    """Base64 (standard alphabet, padded) of the UTF-8 bytes."""
    _require_str(text)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), size
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if PyUnicode_IS_ASCII(text):
        result = PyUnicode_New((length + 2) // 3 * 4, 127)
        vtl_base64_encode(<const unsigned char *>data, length, PyUnicode_1BYTE_DATA(result), B64_PAIRS, B64)
        return result
    # At most 2 UTF-8 bytes per Latin-1 character, 3 per UTF-16 unit of the BMP, 4 per code point;
    # 16 more for the last vector store.
    cdef unsigned char *raw = _take_scratch(length * (4 if kind == PyUnicode_4BYTE_KIND else kind + 1) + 16)
    try:
        if kind == PyUnicode_1BYTE_KIND:
            size = vtl_utf8_ucs1(<Py_UCS1 *>data, length, raw)
        elif kind == PyUnicode_2BYTE_KIND:
            size = vtl_utf8_ucs2(<Py_UCS2 *>data, length, raw)
        else:
            size = vtl_utf8_ucs4(<Py_UCS4 *>data, length, raw)
        result = PyUnicode_New((size + 2) // 3 * 4, 127)
        vtl_base64_encode(raw, size, PyUnicode_1BYTE_DATA(result), B64_PAIRS, B64)
        return result
    finally:
        _give_back(raw)


def base64_decode(text):
    """``java.util.Base64.getDecoder()``: strict alphabet, optional padding; bytes read as UTF-8."""
    _require_str(text)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), stripped = length, padding
    if not PyUnicode_IS_ASCII(text):
        return _py_base64_decode(text)  # a character outside the alphabet: raises
    cdef const unsigned char *data = PyUnicode_1BYTE_DATA(text)
    while stripped > 0 and data[stripped - 1] == 0x3D:
        stripped -= 1
    padding = length - stripped
    if padding > 2 or (padding and length % 4) or stripped % 4 == 1:
        return _py_base64_decode(text)  # raises
    cdef Py_ssize_t size = stripped // 4 * 3 + (stripped % 4 - 1 if stripped % 4 else 0)
    cdef unsigned char *out = _take_scratch(size)
    cdef Py_ssize_t i = 0, o = 0
    cdef unsigned int quad, seen = 0
    try:
        while i + 4 <= stripped:
            quad = (B64_DECODE[0][data[i]] | B64_DECODE[1][data[i + 1]]
                    | B64_DECODE[2][data[i + 2]] | B64_DECODE[3][data[i + 3]])
            seen |= quad
            out[o] = <unsigned char>(quad >> 16)
            out[o + 1] = <unsigned char>(quad >> 8)
            out[o + 2] = <unsigned char>quad
            i += 4
            o += 3
        if stripped - i >= 2:
            quad = B64_DECODE[0][data[i]] | B64_DECODE[1][data[i + 1]]
            if stripped - i == 3:
                quad |= B64_DECODE[2][data[i + 2]]
                out[o + 1] = <unsigned char>(quad >> 8)
            seen |= quad
            out[o] = <unsigned char>(quad >> 16)
        if seen & B64_BAD:
            return _py_base64_decode(text)  # raises
        return _decode_utf8(out, size)
    finally:
        _give_back(out)


cdef object _decode_utf8(const unsigned char *data, Py_ssize_t size):
    """bytes.decode("utf-8", "replace")."""
    if vtl_ascii_run(data, size) < size:
        return PyUnicode_DecodeUTF8(<const char *>data, size, "replace")
    result = PyUnicode_New(size, 127)
    memcpy(PyUnicode_DATA(result), data, size)
    return result


# --------------------------------------------------------------------------------------------
# Java's toString of template values


cpdef str java_double_str(double value):
    """Double.toString: shortest round-trip digits, scientific outside [1e-3, 1e7)."""
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    if value == 0.0:
        return "-0.0" if copysign(1.0, value) < 0 else "0.0"
    cdef double magnitude = -value if value < 0 else value
    cdef str text
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        if "e" in text or "E" in text:  # repr switches to exponent form below 1e-4; Java does not here
            text = format(value, "f")
        return text if "." in text else text + ".0"
    digits, exponent = _py_shortest_digits(magnitude)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return ("-" if value < 0 else "") + f"{mantissa}E{exponent}"


cpdef object to_java_string(object value):
    """Java's String.valueOf(value): what rendering a non-null value prints."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return java_double_str(value)
    if value is None:
        return "null"
    if isinstance(value, _JavaObject):
        return value.java_to_string()
    cdef list parts
    if isinstance(value, (list, tuple, dict)):
        # One flat list of pieces joined once: nested values are not copied at each level.
        _load_json_array()
        parts = []
        _write_java(value, parts)
        return "".join(parts)
    return str(value)


cdef int _write_java(object value, list out) except -1:
    cdef bint first = True
    kind = type(value)
    if kind is str:
        out.append(value)
    elif kind is int:
        out.append(str(value))
    elif kind is bool:
        out.append("true" if value else "false")
    elif kind is float:
        out.append(java_double_str(value))
    elif value is None:
        out.append("null")
    elif kind is _JsonArray:  # its java_to_string() is to_json(): written here, with no Python call
        _write_json(value, out)
    elif isinstance(value, _JavaObject):
        text = value.java_to_string()
        out.append("null" if text is None else text)  # (a block that gives up: see text_or_source)
    elif isinstance(value, (list, tuple)):
        _enter(b" while converting a list to a Java string")
        try:
            out.append("[")
            for item in value:
                if not first:
                    out.append(", ")
                first = False
                if item is value:
                    out.append("(this Collection)" if isinstance(value, list) else "(this Map)")
                else:
                    _write_java(item, out)
            out.append("]")
        finally:
            Py_LeaveRecursiveCall()
    elif isinstance(value, dict):
        _enter(b" while converting a map to a Java string")
        try:
            out.append("{")
            for key, item in value.items():
                if not first:
                    out.append(", ")
                first = False
                if key is value:
                    out.append("(this Map)")
                else:
                    _write_java(key, out)
                out.append("=")
                if item is value:
                    out.append("(this Map)")
                else:
                    _write_java(item, out)
            out.append("}")
        finally:
            Py_LeaveRecursiveCall()
    else:
        out.append(str(value))
    return 0


# --------------------------------------------------------------------------------------------
# json-smart's printer


cpdef str escape_json_string(text):
    """A string's content as json-smart writes it between the quotes."""
    _require_str(text)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), size
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        size = _json_measure(<Py_UCS1 *>data, length)
    elif kind == PyUnicode_2BYTE_KIND:
        size = _json_measure(<Py_UCS2 *>data, length)
    else:
        size = _json_measure(<Py_UCS4 *>data, length)
    if size == length:
        return text
    # Escapes are ASCII, so the text's own width holds the result; the final string is narrowed.
    cdef void *out = PyMem_Malloc(size * kind + 1)
    if out == NULL:
        raise MemoryError()
    try:
        if kind == PyUnicode_1BYTE_KIND:
            _json_write(<Py_UCS1 *>data, length, <Py_UCS1 *>out)
        elif kind == PyUnicode_2BYTE_KIND:
            _json_write(<Py_UCS2 *>data, length, <Py_UCS2 *>out)
        else:
            _json_write(<Py_UCS4 *>data, length, <Py_UCS4 *>out)
        return PyUnicode_FromKindAndData(kind, out, size)
    finally:
        PyMem_Free(out)


cdef Py_ssize_t _json_measure(const ucs_t *data, Py_ssize_t length) noexcept nogil:
    cdef Py_ssize_t i, size = 0
    cdef Py_UCS4 ch
    for i in range(length):
        ch = data[i]
        if ch < 256:
            size += JSON_WIDTH[ch]
        elif 0x2000 <= ch <= 0x20FF:
            size += 6
        else:
            size += 1
    return size


cdef void _json_write(const ucs_t *data, Py_ssize_t length, ucs_t *out) noexcept nogil:
    cdef Py_ssize_t i, o = 0
    cdef unsigned int ch, width
    for i in range(length):
        ch = data[i]
        if ch < 256:
            width = JSON_WIDTH[ch]
        elif 0x2000 <= ch <= 0x20FF:
            width = 6
        else:
            width = 1
        if width == 1:
            out[o] = <ucs_t>ch
            o += 1
        elif width == 2:
            out[o] = 0x5C
            out[o + 1] = JSON_SHORT[ch]
            o += 2
        else:
            out[o] = 0x5C
            out[o + 1] = 0x75
            out[o + 2] = HEX[(ch >> 12) & 0xF]
            out[o + 3] = HEX[(ch >> 8) & 0xF]
            out[o + 4] = HEX[(ch >> 4) & 0xF]
            out[o + 5] = HEX[ch & 0xF]
            o += 6


def to_json(value):
    """Compact JSON text as json-smart writes it (what ``$input.json`` returns)."""
    cdef list parts = []
    _write_json(value, parts)
    return "".join(parts)


cdef int _write_json(object value, list out) except -1:
    cdef bint first
    if value is None:
        out.append("null")
    elif isinstance(value, str):
        out.append('"')
        out.append(escape_json_string(value))
        out.append('"')
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append("null" if value == _INF or value == -_INF else java_double_str(value))
    elif isinstance(value, _Decimal):
        out.append(str(value))  # java_big_decimal_str
    elif isinstance(value, dict):
        _enter(b" while writing JSON")
        try:
            out.append("{")
            first = True
            for key, item in value.items():
                if not first:
                    out.append(",")
                first = False
                out.append('"')
                out.append(escape_json_string(to_java_string(key)))
                out.append('":')
                _write_json(item, out)
            out.append("}")
        finally:
            Py_LeaveRecursiveCall()
    elif isinstance(value, (list, tuple)):
        _enter(b" while writing JSON")
        try:
            out.append("[")
            first = True
            for item in value:
                if not first:
                    out.append(",")
                first = False
                _write_json(item, out)
            out.append("]")
        finally:
            Py_LeaveRecursiveCall()
    else:
        out.append('"')
        out.append(escape_json_string(to_java_string(value)))
        out.append('"')
    return 0


# --------------------------------------------------------------------------------------------
# json-smart's containers for a decoded payload

cdef extern from *:
    """
    static inline void vtl_list_replace(PyObject *list, Py_ssize_t index, PyObject *item) {
        PyObject *old = PyList_GET_ITEM(list, index);
        Py_INCREF(item);
        PyList_SET_ITEM(list, index, item);
        Py_DECREF(old);
    }

    /* type(items) for a list subclass whose __new__ and __init__ are list's: what calling the
       type does (tp_alloc, then list.__init__'s extend), without the call machinery. */
    static PyObject *vtl_new_list_like(PyObject *type, PyObject *items) {
        PyTypeObject *kind = (PyTypeObject *)type;
        PyObject *array = kind->tp_alloc(kind, 0);
        if (array == NULL) return NULL;
        if (PyList_SetSlice(array, 0, 0, items) < 0) { Py_DECREF(array); return NULL; }
        return array;
    }
    """
    void vtl_list_replace(object list, Py_ssize_t index, object item)
    object vtl_new_list_like(object type, object items)

cdef object _JsonArray = None  # vtl.apigw.json_values.JsonArray: that module imports this one
cdef bint _json_array_is_plain = False  # JsonArray(items) is list's __new__ and __init__


cdef int _load_json_array() except -1:
    global _JsonArray, _json_array_is_plain
    if _JsonArray is None:
        from vtl.apigw.json_values import JsonArray
        _json_array_is_plain = (issubclass(JsonArray, list) and JsonArray.__new__ is list.__new__
                                and JsonArray.__init__ is list.__init__)
        _JsonArray = JsonArray
    return 0


cdef inline object _new_json_array(object items):
    """JsonArray(items) for a list ``items``."""
    if _json_array_is_plain:
        return vtl_new_list_like(_JsonArray, items)
    return _JsonArray(items)


def as_json_smart(value, max_depth):
    """A decoded JSON document as json-smart's DEFAULT_ORDERED reader builds it: lists become
    JsonArray, dicts are updated in place; deeper than ``max_depth`` raises ValueError."""
    cdef type kind = type(value)
    if kind is not dict and kind is not list:
        return value
    _load_json_array()
    return _as_json_smart(value, 1, max_depth)


cdef object _as_json_smart(object value, Py_ssize_t depth, Py_ssize_t max_depth):
    cdef Py_ssize_t position = 0, index, size
    cdef PyObject *key
    cdef PyObject *item
    cdef type kind
    if depth > max_depth:
        raise ValueError(f"JSON nested deeper than {max_depth}")
    _enter(b" while converting JSON")
    try:
        if type(value) is dict:
            # Replacing the value of a key already there is allowed while PyDict_Next iterates.
            while PyDict_Next(value, &position, &key, &item):
                kind = type(<object>item)
                if kind is dict or kind is list:
                    PyDict_SetItem(value, <object>key, _as_json_smart(<object>item, depth + 1, max_depth))
            return value
        array = _new_json_array(value)
        size = PyList_GET_SIZE(array)
        for index in range(size):
            item = PyList_GET_ITEM(array, index)
            kind = type(<object>item)
            if kind is dict or kind is list:
                vtl_list_replace(array, index, _as_json_smart(<object>item, depth + 1, max_depth))
        return array
    finally:
        Py_LeaveRecursiveCall()


# --------------------------------------------------------------------------------------------
# Jayway JsonPath over a vtl.jsonpath.CompiledPath's steps: vtl.jsonpath's walk, step for step.
# A path's steps are turned once into _Step records (kept in CompiledPath.plan). Definite paths
# (single properties, single indexes, a function) are walked in one loop, without recursion and,
# for select, without raising PathNotFoundError; the rest recurses as the pure walk does.

cdef enum:
    K_ROOT
    K_PROPERTY
    K_INDEX
    K_SLICE
    K_WILDCARD
    K_SCAN
    K_FILTER
    K_FUNCTION
    K_UNKNOWN

cdef dict _KINDS = {"root": K_ROOT, "property": K_PROPERTY, "index": K_INDEX, "slice": K_SLICE,
                    "wildcard": K_WILDCARD, "scan": K_SCAN, "filter": K_FILTER, "function": K_FUNCTION}

cdef object _PathNotFoundError = None
cdef object _InvalidPathError = None
cdef object _FUNCTIONS = None
cdef object _jsonpath_module = None
cdef object _ABSENT = object()


cdef int _load_jsonpath() except -1:
    global _PathNotFoundError, _InvalidPathError, _FUNCTIONS
    if _FUNCTIONS is None:
        from vtl import jsonpath  # imports vtl.speedups, hence this module: looked up on first use
        _load_json_array()
        _PathNotFoundError = jsonpath.PathNotFoundError
        _InvalidPathError = jsonpath.InvalidPathError
        _FUNCTIONS = jsonpath._FUNCTIONS
        _load_filters(jsonpath)
    return 0


cdef class _Pred
cdef class _Plan


cdef class _Step:
    cdef int kind
    cdef bint leaf, token_definite, upstream_definite
    cdef object step  # the vtl.jsonpath.Step (its kind and arg make the error messages)
    cdef tuple names  # property
    cdef object name  # property: the first name
    cdef tuple indexes  # index
    cdef Py_ssize_t position  # index: the first one
    cdef bint has_start, has_stop  # slice
    cdef Py_ssize_t start, stop
    cdef object arg  # filter: the predicate; function: the name
    cdef _Pred pred  # filter: the predicate as evaluated here (_compile_predicate)


cdef class _Plan:
    cdef tuple steps
    cdef Py_ssize_t count
    cdef bint definite
    cdef object text


cdef class _Context:
    cdef object root
    cdef list results
    cdef bint require_properties


cdef _Plan _plan_of(object path):
    plan = path.plan
    if type(plan) is _Plan:
        return <_Plan>plan
    _load_jsonpath()
    cdef list steps = []
    cdef _Step record
    for step in path.steps:
        record = _Step.__new__(_Step)
        record.step = step
        record.kind = _KINDS.get(step.kind, K_UNKNOWN)
        record.leaf = step.leaf
        record.token_definite = step.token_definite
        record.upstream_definite = step.upstream_definite
        if record.kind == K_PROPERTY:
            record.names = tuple(step.arg)
            record.name = record.names[0] if record.names else None
        elif record.kind == K_INDEX:
            record.indexes = tuple(step.arg)
            record.position = record.indexes[0] if record.indexes else 0
        elif record.kind == K_SLICE:
            start, stop = step.arg
            record.has_start, record.has_stop = start is not None, stop is not None
            record.start = start if start is not None else 0
            record.stop = stop if stop is not None else 0
        elif record.kind == K_FILTER or record.kind == K_FUNCTION:
            record.arg = step.arg
            if record.kind == K_FILTER:
                record.pred = _compile_predicate(step.arg)
        steps.append(record)
    cdef _Plan made = _Plan.__new__(_Plan)
    made.steps = tuple(steps)
    made.count = len(steps)
    made.definite = path.definite
    made.text = path.text
    path.plan = made
    return made


def jsonpath_select(path, document, missing=None, root=None):
    """``CompiledPath.select``: the value (definite path), a JsonArray of the matches
    (indefinite path) or ``missing`` when Jayway would throw PathNotFoundException."""
    cdef _Plan plan = _plan_of(path)
    if plan.definite:
        found = _read_definite(plan, document, False, True)
        return missing if found is _ABSENT else found
    try:
        return _read(plan, document, root, False)
    except _PathNotFoundError:
        return missing


def jsonpath_read(path, document, root=None, require_properties=False):
    """``CompiledPath.read``: like :func:`jsonpath_select` but raises PathNotFoundError."""
    cdef _Plan plan = _plan_of(path)
    if plan.definite:
        return _read_definite(plan, document, require_properties, False)
    return _read(plan, document, root, require_properties)


cdef object _read(_Plan plan, object document, object root, bint require_properties):
    cdef _Context context = _Context.__new__(_Context)
    context.root = document if root is None else root
    context.results = []
    context.require_properties = require_properties
    _evaluate(plan, 0, document, context)
    if not plan.definite:
        return _new_json_array(context.results)
    if not context.results:
        raise _PathNotFoundError(f"No results for path: {plan.text}")
    return context.results[len(context.results) - 1]


cdef inline object _get(object model, object name):
    """model[name] if name is in the map, else _ABSENT."""
    cdef PyObject *found
    if PyDict_CheckExact(model):
        found = PyDict_GetItemWithError(model, name)
        return _ABSENT if found == NULL else <object>found
    if name in model:
        return model[name]
    return _ABSENT


cdef inline object _item(object array, Py_ssize_t position):
    """array[position] when 0 <= position < len(array) after counting negatives from the end,
    else _ABSENT (_handle_index)."""
    cdef Py_ssize_t length = len(array)
    if position < 0:
        position += length
    if 0 <= position < length:
        return PySequence_GetItem(array, position)
    return _ABSENT


cdef object _read_definite(_Plan plan, object document, bint require_properties, bint quiet):
    """A definite path's one value; not found: _ABSENT when quiet, else the walk's exception."""
    cdef object model = document, found
    cdef _Step step
    cdef Py_ssize_t index
    cdef dict merged
    for index in range(plan.count):
        step = <_Step>plan.steps[index]
        if step.kind == K_ROOT:
            continue
        if step.kind == K_PROPERTY:
            if not isinstance(model, dict):
                if quiet:
                    return _ABSENT
                raise _PathNotFoundError(f"Expected to find an object with property {step.step.arg}")
            if len(step.names) == 1:
                found = _get(model, step.name)
                if found is _ABSENT:
                    if quiet:
                        return _ABSENT
                    if not step.leaf:
                        raise _PathNotFoundError(f"Missing property in path ['{step.name}']")
                    if require_properties:
                        raise _PathNotFoundError(f"No results for path: ['{step.name}']")
                    raise _PathNotFoundError(f"No results for path: {plan.text}")
                model = found
            else:  # several names at the end: one map of those present
                merged = {}
                for name in step.names:
                    found = _get(model, name)
                    if found is not _ABSENT:
                        merged[name] = found
                    elif require_properties:
                        if quiet:
                            return _ABSENT
                        raise _PathNotFoundError(f"Missing property in path ['{name}']")
                model = merged
        elif step.kind == K_INDEX:
            if not isinstance(model, list):
                if quiet:
                    return _ABSENT
                raise _PathNotFoundError(f"{step.step.kind} {step.step.arg} can only be applied to arrays")
            found = _item(model, step.position)
            if found is _ABSENT:
                if quiet:
                    return _ABSENT
                raise _PathNotFoundError(f"No results for path: {plan.text}")
            model = found
        elif step.kind == K_FUNCTION:
            model = _FUNCTIONS[step.arg](model)
        else:  # not a definite step: cannot happen for a definite plan
            return _read(plan, document, None, require_properties)
    return model


cdef int _evaluate(_Plan plan, Py_ssize_t index, object model, _Context context) except -1:
    cdef _Step step = <_Step>plan.steps[index]
    cdef int kind = step.kind
    _enter(b" while evaluating a JSONPath")
    try:
        if kind == K_ROOT:
            _emit(plan, index, step, model, context)
        elif kind == K_PROPERTY:
            _eval_property(plan, index, step, model, context)
        elif kind == K_INDEX:
            if _check_array(step, model):
                for position in step.indexes:
                    _handle_index(plan, index, step, model, position, context)
        elif kind == K_SLICE:
            _eval_slice(plan, index, step, model, context)
        elif kind == K_WILDCARD:
            _eval_wildcard(plan, index, step, model, context)
        elif kind == K_SCAN:
            if index + 1 >= plan.count:
                raise IndexError("tuple index out of range")
            _walk(plan, index + 1, <_Step>plan.steps[index + 1], model, context)
        elif kind == K_FILTER:
            _eval_filter(plan, index, step, model, context)
        elif kind == K_FUNCTION:
            _emit(plan, index, step, _FUNCTIONS[step.arg](model), context)
        else:
            raise KeyError(step.step.kind)
    finally:
        Py_LeaveRecursiveCall()
    return 0


cdef inline int _emit(_Plan plan, Py_ssize_t index, _Step step, object value, _Context context) except -1:
    """A step matched ``value``: a result at the leaf, else the next step's model."""
    if step.leaf:
        context.results.append(value)
    else:
        _evaluate(plan, index + 1, value, context)
    return 0


cdef int _eval_property(_Plan plan, Py_ssize_t index, _Step step, object model, _Context context) except -1:
    cdef dict merged
    if not isinstance(model, dict):
        if step.upstream_definite:
            raise _PathNotFoundError(f"Expected to find an object with property {step.step.arg}")
        return 0
    if len(step.names) == 1:
        _handle_property(plan, index, step, model, context, step.name, step.token_definite)
    elif step.leaf:  # several properties at the end merge into one map
        merged = {}
        for name in step.names:
            found = _get(model, name)
            if found is not _ABSENT:
                merged[name] = found
            elif context.require_properties:
                raise _PathNotFoundError(f"Missing property in path ['{name}']")
        context.results.append(merged)
    else:  # several properties in the middle of a path: iterate, like an index sequence
        for name in step.names:
            _handle_property(plan, index, step, model, context, name, False)
    return 0


cdef int _handle_property(_Plan plan, Py_ssize_t index, _Step step, object model, _Context context,
                          object name, bint definite) except -1:
    found = _get(model, name)
    if found is not _ABSENT:
        _emit(plan, index, step, found, context)
    elif step.leaf:
        if context.require_properties:
            raise _PathNotFoundError(f"No results for path: ['{name}']")
    elif (step.upstream_definite and definite) or context.require_properties:
        raise _PathNotFoundError(f"Missing property in path ['{name}']")
    return 0


cdef bint _check_array(_Step step, object model) except -1:
    if isinstance(model, list):
        return True
    if step.upstream_definite:
        raise _PathNotFoundError(f"{step.step.kind} {step.step.arg} can only be applied to arrays")
    return False


cdef inline int _handle_index(_Plan plan, Py_ssize_t index, _Step step, object array, Py_ssize_t position,
                              _Context context) except -1:
    found = _item(array, position)
    if found is not _ABSENT:
        _emit(plan, index, step, found, context)
    return 0


cdef int _eval_slice(_Plan plan, Py_ssize_t index, _Step step, object model, _Context context) except -1:
    cdef Py_ssize_t length, begin, end, position
    if not _check_array(step, model):
        return 0
    length = len(model)
    if not step.has_stop:  # [from:]
        begin = length + step.start if step.start < 0 else step.start
        if begin < 0:
            begin = 0
        end = length
    elif not step.has_start:  # [:to]
        end = length + step.stop if step.stop < 0 else step.stop
        if end > length:
            end = length
        begin = 0
    else:  # [from:to]: Jayway does not count these from the end
        begin = step.start
        end = step.stop if step.stop < length else length
    for position in range(begin, end):
        _handle_index(plan, index, step, model, position, context)
    return 0


cdef int _eval_wildcard(_Plan plan, Py_ssize_t index, _Step step, object model, _Context context) except -1:
    cdef Py_ssize_t position, length
    if isinstance(model, dict):
        for key in list(model):
            _emit(plan, index, step, model[key], context)
    elif isinstance(model, list):
        length = len(model)
        for position in range(length):
            try:
                _handle_index(plan, index, step, model, position, context)
            except _PathNotFoundError:
                if context.require_properties:
                    raise
    elif not step.leaf:
        raise _PathNotFoundError("Expected to find an object or array in path")
    return 0


cdef bint _scan_matches(_Step target, object model, _Context context) except -1:
    """The scan's predicate for its target step (_scan_predicate)."""
    cdef int kind = target.kind
    if kind == K_PROPERTY:
        if not isinstance(model, dict):
            return False
        if not target.token_definite or context.require_properties:
            return True
        for name in target.names:
            if name not in model:
                return False
        return True
    if kind == K_INDEX or kind == K_SLICE:
        return isinstance(model, list)
    if kind == K_WILDCARD:
        return True
    if kind == K_FILTER:
        return _accept(target.pred, model, context)
    return False


cdef int _walk(_Plan plan, Py_ssize_t index, _Step target, object model, _Context context) except -1:
    _enter(b" while scanning a JSON document")
    try:
        if isinstance(model, dict):
            if _scan_matches(target, model, context):
                _evaluate(plan, index, model, context)
            for key in list(model):
                _walk(plan, index, target, model[key], context)
        elif isinstance(model, list):
            if _scan_matches(target, model, context):
                if target.leaf:
                    _evaluate(plan, index, model, context)
                else:
                    # Jayway quirk (ScanPathToken.walkArray): the step after the target is applied
                    # to each element of a matching array.
                    for element in model:
                        _evaluate(plan, index + 1, element, context)
            for element in model:
                _walk(plan, index, target, element, context)
    finally:
        Py_LeaveRecursiveCall()
    return 0


# --- Filters: vtl.jsonpath's predicates (_Relation, _Logical) evaluated here -------------------
# A filter's predicate is compiled once (_compile_predicate) into _Pred records. These run here,
# without the Python predicate objects: existence tests ([?(@.isbn)]), the relations == != === !==
# < <= > >= between paths and literals (or two paths), and !, && and || over them. Anything else
# (=~, in, size, ...: rarer operators) keeps its Python predicate object (P_PYTHON). Within a
# relation evaluated here, a pair of values this code does not decide (a number against a string,
# JSON against JSON, a number it cannot compare exactly as a double or an integer, a value of an
# unexpected type) goes to the Python operator itself (_OPERATORS), with the Python value nodes.

cdef enum:
    V_UNDEF
    V_NULL
    V_BOOL
    V_NUM
    V_STR
    V_JSON
    V_PATTERN
    V_OTHER  # a value _node_of turns into text: left to the Python operator

cdef enum:
    P_PYTHON
    P_EXISTS
    P_RELATION
    P_NOT
    P_AND
    P_OR

cdef enum:
    R_EQ
    R_NE
    R_SEQ
    R_SNE
    R_LT
    R_LE
    R_GT
    R_GE

cdef dict _RELATIONS = {"==": R_EQ, "!=": R_NE, "===": R_SEQ, "!==": R_SNE,
                        "<": R_LT, "<=": R_LE, ">": R_GT, ">=": R_GE}
cdef dict _VALUE_KINDS = {"undefined": V_UNDEF, "null": V_NULL, "boolean": V_BOOL, "number": V_NUM,
                          "string": V_STR, "json": V_JSON, "pattern": V_PATTERN}
cdef object _py_Relation = None
cdef object _py_Logical = None
cdef object _py_OPERATORS = None
cdef object _py_node_of = None
cdef object _py_decimal = None
cdef object _py_UNDEFINED = None


cdef int _load_filters(object jsonpath) except -1:
    global _py_Relation, _py_Logical, _py_OPERATORS, _py_node_of, _py_decimal, _py_UNDEFINED
    _py_Relation = jsonpath._Relation
    _py_Logical = jsonpath._Logical
    _py_OPERATORS = jsonpath._OPERATORS
    _py_node_of = jsonpath._node_of
    _py_decimal = jsonpath._decimal
    _py_UNDEFINED = jsonpath._UNDEFINED
    return 0


cdef class _Operand:
    """One side of a relation: a path (resolved per item) or a literal."""
    cdef bint is_path, from_root
    cdef _Plan plan  # path
    cdef object node  # literal: its vtl.jsonpath._Node (what the Python operator takes)
    cdef int kind  # literal: V_*
    cdef object value  # literal: the value compared here (a number: an int, a float or a Decimal)


cdef class _Pred:
    cdef int kind  # P_*
    cdef int relation  # P_RELATION: R_*
    cdef object python  # the vtl.jsonpath predicate (P_PYTHON applies it)
    cdef object operator  # P_RELATION: the Python operator, for the pairs not decided here
    cdef _Operand left, right  # P_RELATION; P_EXISTS: the path in left
    cdef tuple operands  # P_NOT, P_AND, P_OR: _Pred records


cdef _Pred _compile_predicate(object predicate):
    cdef _Pred made = _Pred.__new__(_Pred)
    made.kind = P_PYTHON
    made.python = predicate
    if type(predicate) is _py_Logical:
        operator, operands = predicate.operator, predicate.operands
        if operator == "!" and len(operands) == 1:
            made.kind = P_NOT
        elif operator == "&&":
            made.kind = P_AND
        elif operator == "||":
            made.kind = P_OR
        else:
            return made
        made.operands = tuple([_compile_predicate(operand) for operand in operands])
    elif type(predicate) is _py_Relation:
        left, operator, right = predicate.left, predicate.operator, predicate.right
        if operator == "EXISTS":
            # [?(@.isbn)]: the left path read with require_properties, against true
            if (left.kind == "path" and left.exists_check and right.kind == "boolean" and right.value is True
                    and right.exists_check is False):
                made.left = _path_operand(left.value)
                made.kind = P_EXISTS
        elif operator in _RELATIONS:
            made.left = _operand_of(left)
            made.right = _operand_of(right)
            if made.left is not None and made.right is not None:
                made.kind = P_RELATION
                made.relation = _RELATIONS[operator]
                made.operator = _py_OPERATORS[operator]
    return made


cdef _Operand _path_operand(object path):
    cdef _Operand made = _Operand.__new__(_Operand)
    made.is_path = True
    made.from_root = path.steps[0].arg == "$"  # _resolve: the root for $, else the item
    made.plan = _plan_of(path)
    return made


cdef _Operand _operand_of(object node):
    """A relation's side, or None when it is not one evaluated here."""
    if node.kind == "path":
        return None if node.exists_check else _path_operand(node.value)
    kind = _VALUE_KINDS.get(node.kind)
    if kind is None or node.exists_check:
        return None
    value = node.value
    if kind == V_NUM:
        if type(value) is not _Decimal:
            return None
        value = _number_literal(value)
    elif kind == V_STR or kind == V_PATTERN:
        if type(value) is not str:
            return None
    elif kind == V_BOOL:
        if type(value) is not bool:
            return None
    cdef _Operand made = _Operand.__new__(_Operand)
    made.node = node
    made.kind = kind
    made.value = value
    return made


cdef object _number_literal(object number):
    """A number literal (a Decimal) as a value that _num_cmp orders exactly as Jayway's BigDecimal:
    an int when it is integral, a float when that double's own decimal (_decimal) is the literal,
    else the Decimal itself (compared as Decimals)."""
    if not number.is_finite():
        return number
    if number == number.to_integral_value() and number.adjusted() < 40:
        return int(number)
    as_double = float(number)
    if as_double - as_double == 0.0 and _py_decimal(as_double) == number:
        return as_double
    return number


cdef object _resolve_value(_Operand operand, object item, _Context context, bint require_properties):
    """What a path operand finds in ``item`` (or the root, for $): the value, or _ABSENT where
    the Python predicate's path.read raises PathNotFoundError (_resolve)."""
    document = context.root if operand.from_root else item
    cdef _Plan plan = operand.plan
    if plan.definite:
        return _read_definite(plan, document, require_properties, True)
    try:
        return _read(plan, document, context.root, require_properties)
    except _PathNotFoundError:
        return _ABSENT


cdef inline int _value_kind(object value):
    """The kind of _node_of(value) (V_OTHER: a value _node_of prints as text)."""
    if value is _ABSENT:
        return V_UNDEF
    if value is None:
        return V_NULL
    kind = type(value)
    if kind is bool:
        return V_BOOL
    if kind is int or kind is float or kind is _Decimal:
        return V_NUM
    if kind is str:
        return V_STR
    if isinstance(value, list) or isinstance(value, dict):
        return V_JSON
    return V_OTHER


cdef extern from "Python.h":
    long long PyLong_AsLongLongAndOverflow(object value, int *overflow) except? -1


cdef inline bint _as_exact_double(object number, double *out) except -1:
    """An int or a float as the double whose decimal is its decimal (_decimal), when there is one:
    a finite float, or an int of at most 2**53 in magnitude."""
    cdef double value
    cdef long long integer
    cdef int overflow = 0
    if type(number) is float:
        value = number
        if value - value != 0.0:  # NaN or infinite
            return False
        out[0] = value
        return True
    if type(number) is int:
        integer = PyLong_AsLongLongAndOverflow(number, &overflow)
        if overflow or integer > 9007199254740992LL or integer < -9007199254740992LL:
            return False
        out[0] = <double>integer
        return True
    return False


cdef int _num_cmp(object left, object right) except -3:
    """Jayway's BigDecimal compareTo of two numbers (int, float, Decimal) as _decimal makes them:
    -1, 0, 1, or 2 when either is NaN (NumberNode.NAN: no order, equal to nothing).

    A float's _decimal is its shortest round-trip decimal, and those order as the doubles do; an
    int up to 2**53 is its own double. Beyond those, the Decimals themselves are compared."""
    cdef double x, y
    cdef long long i, j
    cdef int overflow = 0
    if type(left) is int and type(right) is int:
        i = PyLong_AsLongLongAndOverflow(left, &overflow)
        if not overflow:
            j = PyLong_AsLongLongAndOverflow(right, &overflow)
            if not overflow:
                return (i > j) - (i < j)
        return (left > right) - (left < right)
    if type(left) is float:
        x = left
        if x - x != 0.0:
            return 2
    if type(right) is float:
        y = right
        if y - y != 0.0:
            return 2
    if _as_exact_double(left, &x) and _as_exact_double(right, &y):
        return (x > y) - (x < y)
    first, second = _py_decimal(left), _py_decimal(right)
    if first is None or second is None:
        return 2
    return (first > second) - (first < second)


cdef int _equal(int left_kind, object left, int right_kind, object right) except -2:
    """EqualsEvaluator (_equals): 1 or 0, or -1 for a pair left to the Python operator."""
    cdef int order
    if left_kind == V_NUM:
        if right_kind == V_NUM:
            order = _num_cmp(left, right)
            return order == 0
        return -1 if right_kind == V_STR else 0
    if left_kind == V_STR:
        if right_kind == V_STR:
            return PyUnicode_Compare(left, right) == 0
        return -1 if right_kind == V_NUM else 0
    if left_kind == V_BOOL:
        return right_kind == V_BOOL and (left is right)
    if left_kind == V_NULL:
        return right_kind == V_NULL
    if left_kind == V_PATTERN:
        return right_kind == V_PATTERN and PyUnicode_Compare(left, right) == 0
    if left_kind == V_JSON and right_kind == V_JSON:
        return -1
    return 0


cdef int _ordered(int relation, int left_kind, object left, int right_kind, object right) except -2:
    """The < <= > >= evaluators (_compare): 1 or 0, or -1 for a pair left to the Python operator."""
    cdef int order
    if left_kind == V_NUM and right_kind == V_NUM:
        order = _num_cmp(left, right)
        if order == 2:
            return 0
    elif left_kind == V_STR and right_kind == V_STR:
        if PyUnicode_KIND(left) == PyUnicode_4BYTE_KIND or PyUnicode_KIND(right) == PyUnicode_4BYTE_KIND:
            return -1  # maybe characters beyond the BMP: String.compareTo orders UTF-16 units
        order = PyUnicode_Compare(left, right)
    else:
        return 0
    if relation == R_LT:
        return order < 0
    if relation == R_LE:
        return order <= 0
    if relation == R_GT:
        return order > 0
    return order >= 0


cdef object _python_node(_Operand operand, object value):
    """The vtl.jsonpath._Node the Python predicate would have for this side."""
    if not operand.is_path:
        return operand.node
    if value is _ABSENT:
        return _py_UNDEFINED
    return _py_node_of(value)


cdef bint _relation(_Pred pred, object item, _Context context) except -1:
    cdef _Operand left = pred.left, right = pred.right
    cdef int left_kind, right_kind, outcome
    cdef int relation = pred.relation
    if left.is_path:
        left_value = _resolve_value(left, item, context, False)
        left_kind = _value_kind(left_value)
    else:
        left_value, left_kind = left.value, left.kind
    if right.is_path:
        right_value = _resolve_value(right, item, context, False)
        right_kind = _value_kind(right_value)
    else:
        right_value, right_kind = right.value, right.kind
    if left_kind == V_OTHER or right_kind == V_OTHER:
        outcome = -1
    elif relation == R_EQ or relation == R_NE:
        outcome = _equal(left_kind, left_value, right_kind, right_value)
        if outcome >= 0 and relation == R_NE:
            outcome = not outcome
    elif relation == R_SEQ or relation == R_SNE:  # === and !==: the kinds first
        outcome = 0 if left_kind != right_kind else _equal(left_kind, left_value, right_kind, right_value)
        if outcome >= 0 and relation == R_SNE:
            outcome = not outcome
    else:
        outcome = _ordered(relation, left_kind, left_value, right_kind, right_value)
    if outcome < 0:
        return bool(pred.operator(_python_node(left, left_value), _python_node(right, right_value)))
    return outcome


cdef bint _test(_Pred pred, object item, _Context context) except -1:
    """The predicate's apply(item, root)."""
    cdef int kind = pred.kind
    cdef _Pred operand
    if kind == P_EXISTS:
        return _resolve_value(pred.left, item, context, True) is not _ABSENT
    if kind == P_RELATION:
        return _relation(pred, item, context)
    if kind == P_AND:
        for operand in pred.operands:
            if not _test(operand, item, context):
                return False
        return True
    if kind == P_OR:
        for operand in pred.operands:
            if _test(operand, item, context):
                return True
        return False
    if kind == P_NOT:
        return not _test(<_Pred>pred.operands[0], item, context)
    return bool(pred.python.apply(item, context.root))


cdef bint _accept(_Pred predicate, object item, _Context context) except -1:
    try:
        return _test(predicate, item, context)
    except _InvalidPathError:
        return False


cdef int _eval_filter(_Plan plan, Py_ssize_t index, _Step step, object model, _Context context) except -1:
    cdef Py_ssize_t position = 0
    if isinstance(model, dict):
        if _accept(step.pred, model, context):
            _emit(plan, index, step, model, context)
    elif isinstance(model, list):
        for element in model:
            if _accept(step.pred, element, context):
                _handle_index(plan, index, step, model, position, context)
            position += 1
    elif step.upstream_definite:
        raise _InvalidPathError("Filter: [?] can not be applied to primitives. "
                                f"Current context is: {to_java_string(model)}")
    return 0


# --------------------------------------------------------------------------------------------
# The final output pass

cdef enum:
    SURROGATE_BLOCK = 64


cdef Py_ssize_t _first_surrogate(const ucs_t *data, Py_ssize_t length) noexcept nogil:
    """The index of the first UTF-16 surrogate code point, or -1. Fixed-size blocks, so the
    compiler can vectorise the test of each block."""
    cdef Py_ssize_t i = 0, j
    cdef unsigned int hit
    cdef unsigned int ch
    while i + SURROGATE_BLOCK <= length:
        hit = 0
        for j in range(SURROGATE_BLOCK):
            ch = data[i + j]
            hit |= (ch >> 11) == 0x1B  # 0xD800..0xDFFF
        if hit:
            break
        i += SURROGATE_BLOCK
    while i < length:
        ch = data[i]
        if (ch >> 11) == 0x1B:
            return i
        i += 1
    return -1


def java_output_text(text):
    """Output as Java writes it: surrogate halves that make a pair become one character,
    a lone half becomes '?' (what Java's UTF-8 encoder writes). Values keep their halves."""
    _require_str(text)
    cdef int kind = PyUnicode_KIND(text)
    if kind == PyUnicode_1BYTE_KIND:  # ASCII or Latin-1: no surrogates
        return text
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), first
    cdef void *data = PyUnicode_DATA(text)
    if kind == PyUnicode_2BYTE_KIND:
        first = _first_surrogate(<Py_UCS2 *>data, length)
    else:
        first = _first_surrogate(<Py_UCS4 *>data, length)
    if first < 0:
        return text
    cdef Py_UCS4 *out = <Py_UCS4 *>PyMem_Malloc(length * sizeof(Py_UCS4) + 1)
    if out == NULL:
        raise MemoryError()
    cdef Py_ssize_t i, o = 0
    cdef unsigned int ch, low
    try:
        for i in range(first):
            out[i] = PyUnicode_READ(kind, data, i)
        o = first
        i = first
        while i < length:
            ch = PyUnicode_READ(kind, data, i)
            i += 1
            if (ch >> 11) == 0x1B:  # 0xD800..0xDFFF
                if ch <= 0xDBFF and i < length:
                    low = PyUnicode_READ(kind, data, i)
                    if 0xDC00 <= low <= 0xDFFF:
                        ch = 0x10000 + ((ch - 0xD800) << 10) + (low - 0xDC00)
                        i += 1
                    else:
                        ch = 0x3F
                else:
                    ch = 0x3F
            out[o] = <Py_UCS4>ch
            o += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, o)
    finally:
        PyMem_Free(out)


# ---------------------------------------------------------------------------------------------
# References: $target.name and $target.name(args).

cdef object _class_of = None
# The same objects as vtl.runtime.objects' caches (cleared in place there), typed for C lookups.
cdef dict _callables_by_key = _callable_cache
cdef dict _getters_by_key = _getter_cache
cdef set _map_types = _MAP_TYPES


def get_property(target, name):
    return _get_property(target, name)


cdef object _get_property(object target, object name):
    global _class_of
    cdef PyObject *found
    if target is None:
        return None
    if name == "class":
        if _class_of is None:
            from vtl.runtime.values import class_of
            _class_of = class_of
        return _class_of(target)
    kind = type(target)
    if kind is dict:
        found = PyDict_GetItemWithError(target, name)
        return <object>found if found != NULL else None
    if kind in _map_types:
        return target.get(name)
    key = (kind, name)
    found = PyDict_GetItemWithError(_getters_by_key, key)
    getter = <object>found if found != NULL else _property_getter(kind, name)
    return getter(target)


cdef inline tuple _overloads(object kind, object name, Py_ssize_t count):
    key = (kind, name, count)
    cdef PyObject *found = PyDict_GetItemWithError(_callables_by_key, key)
    if found != NULL and len(<tuple>found):
        return <tuple>found
    return <tuple>_callables(key)


cdef dict _no_argument_callables = _callables_by_name[0]
cdef dict _one_argument_callables = _callables_by_name[1]


cdef inline tuple _overloads_by_name(dict by_name, object kind, object name, Py_ssize_t count):
    cdef PyObject *by_type = PyDict_GetItemWithError(by_name, name)
    cdef PyObject *found
    if by_type != NULL:
        found = PyDict_GetItemWithError(<dict>by_type, kind)
        if found != NULL and len(<tuple>found):
            return <tuple>found
    functions = _overloads(kind, name, count)
    if by_type == NULL:
        by_name[name] = {kind: functions}
    else:
        (<dict>by_type)[kind] = functions
    return functions


def call_method(target, name, tuple arguments):
    return _call_method(target, name, arguments)


cdef object _call_method(object target, object name, tuple arguments):
    cdef Py_ssize_t count = len(arguments)
    if count == 1:
        return _call_method_1(target, name, arguments[0])
    if target is None:
        return None
    cdef tuple functions = _overloads_by_name(_no_argument_callables, type(target), name, 0) if count == 0 \
        else _overloads(type(target), name, count)
    for function in functions:
        try:
            return function(target) if count == 0 else function(target, *arguments)
        except _NoMatchingOverload:
            continue
    return None


def call_method0(target, name):
    return _call_method(target, name, ())


def call_method1(target, name, argument):
    return _call_method_1(target, name, argument)


cdef object _call_method_1(object target, object name, object argument):
    if target is None:
        return None
    for function in _overloads_by_name(_one_argument_callables, type(target), name, 1):
        try:
            return function(target, argument)
        except _NoMatchingOverload:
            continue
    return None


# ---------------------------------------------------------------------------------------------
# $util's string methods, receiver first: null gives null, a non-String finds no method.

cdef inline bint _util_argument(object value) except -1:
    """False for null; raises NoMatchingOverload for anything but a String."""
    if value is None:
        return False
    if not isinstance(value, str):
        raise _NoMatchingOverload()
    return True


def util_escape_javascript(receiver, value):
    return escape_javascript(value) if _util_argument(value) else None


def util_url_encode(receiver, value):
    return url_encode(value) if _util_argument(value) else None


def util_url_decode(receiver, value):
    return url_decode(value) if _util_argument(value) else None


def util_base64_encode(receiver, value):
    return base64_encode(value) if _util_argument(value) else None


def util_base64_decode(receiver, value):
    return base64_decode(value) if _util_argument(value) else None


# ---------------------------------------------------------------------------------------------
# java.util.Map.get: a String key is Python's lookup; other keys go to Java's equals() matching.

cdef object _java_map_get = None


def map_get(mapping, key):
    global _java_map_get
    if type(key) is str:
        return mapping.get(key)
    if _java_map_get is None:
        from vtl.runtime.methods import java_map_get
        _java_map_get = java_map_get
    return _java_map_get(mapping, key)


# ---------------------------------------------------------------------------------------------
# JSON text: whether it holds a number literal of some length.

cdef unsigned char NUMBER_CHAR[128]  # 0-9 . + - e E


cdef void _init_number_chars() noexcept:
    cdef int code
    for code in range(128):
        NUMBER_CHAR[code] = 48 <= code <= 57 or code == 46 or code == 43 or code == 45 or code == 101 or code == 69


_init_number_chars()


cdef inline bint _is_number_char(Py_UCS4 ch) noexcept nogil:
    return ch < 128 and NUMBER_CHAR[ch]


cdef bint _number_run(const ucs_t *data, Py_ssize_t size, Py_ssize_t length) noexcept nogil:
    # Looks at the last character of a window first: when it is not a number character, no run
    # of `length` can hold it, so the next window ends `length` further (most of a JSON text is
    # read one character in `length`).
    cdef Py_ssize_t end = length - 1, start
    while end < size:
        if not _is_number_char(data[end]):
            end += length
            continue
        start = end - 1
        while start > end - length and _is_number_char(data[start]):
            start -= 1
        if start == end - length:
            return True
        end = start + length  # the first window after the character that is not one
    return False


def has_number_run(text, Py_ssize_t length):
    _require_str(text)
    if length <= 0:
        return True
    cdef int kind = PyUnicode_KIND(text)
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(text)
    cdef void *data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        return _number_run(<Py_UCS1 *>data, size, length)
    if kind == PyUnicode_2BYTE_KIND:
        return _number_run(<Py_UCS2 *>data, size, length)
    return _number_run(<Py_UCS4 *>data, size, length)


# ---------------------------------------------------------------------------------------------
# Multi-valued request fields (headers, query) as maps of one value per name.

cdef object _py_last_values = _native.last_values


def last_values(multi, hidden=None):
    """The pure twin's walk for a dict of non-empty lists keyed by ASCII names (any other shape
    goes to the pure twin)."""
    cdef PyObject *key
    cdef PyObject *item
    cdef Py_ssize_t position = 0
    cdef list names = []
    cdef dict result = {}
    if type(multi) is not dict or (hidden is not None and type(hidden) is not frozenset):
        return _py_last_values(multi, hidden)
    while PyDict_Next(multi, &position, &key, &item):
        if type(<object>key) is not str or not PyUnicode_IS_ASCII(<object>key) \
                or type(<object>item) is not list or PyList_GET_SIZE(<object>item) == 0:
            return _py_last_values(multi, hidden)
        if hidden is None or (<str>key).lower() not in <frozenset>hidden:
            names.append(<object>key)
    names.sort()
    for name in names:
        values = <list>multi[name]
        result[name] = values[PyList_GET_SIZE(values) - 1]
    return result


# ---------------------------------------------------------------------------------------------
# A printed reference: a String prints itself, any other value its Java toString().

def text_or_source(value, source):
    if value is None:
        return source
    if type(value) is str:
        return value
    text = to_java_string(value)
    return source if text is None else text


def text_or_empty(value, source=""):
    if value is None:
        return ""
    if type(value) is str:
        return value
    text = to_java_string(value)
    return "" if text is None else text


def render_plan(variables, tuple plan, render):
    cdef list pieces = []
    cdef tuple reference
    for item in plan:
        if type(item) is str:
            pieces.append(item)
            continue
        reference = <tuple>item
        value = _plan_value(variables, reference)
        if type(value) is str:
            pieces.append(value)
            continue
        try:
            pieces.append(text_or_empty(value) if reference[3] else render(value, reference[2]))
        except Exception as error:
            _native._place(error, reference[4])
            raise
    return "".join(pieces)


cdef object _plan_value(object variables, tuple reference):
    cdef PyObject *found
    cdef tuple step
    cdef object value, arguments, where = reference[4]
    if type(variables) is dict:
        found = PyDict_GetItemWithError(variables, reference[0])
        value = <object>found if found != NULL else None
    else:
        value = variables.get(reference[0])
    try:
        for step in <tuple>reference[1]:
            where = step[2]
            arguments = step[1]
            if arguments is None:
                value = _get_property(value, step[0])
                continue
            if len(<tuple>arguments) == 1:  # the commonest: no argument tuple to build
                argument = (<tuple>arguments)[0]
                if type(argument) is tuple:
                    argument = _plan_value(variables, <tuple>argument)
                value = _call_method_1(value, step[0], argument)
                continue
            for argument in <tuple>arguments:
                if type(argument) is tuple:
                    arguments = tuple([_plan_value(variables, <tuple>argument) if type(argument) is tuple
                                       else argument for argument in <tuple>step[1]])
                    break
            value = _call_method(value, step[0], <tuple>arguments)
    except Exception as error:
        _native._place(error, where)
        raise
    return value


# ---------------------------------------------------------------------------------------------
# #foreach

cdef object _map_view = None
cdef object _values_of = None


cdef enum:
    FROM_ITEMS, FROM_LIST, FROM_MAP  # as _native's


cpdef live_walk(source, limit=None):
    global _map_view, _values_of
    cdef object backing = None
    cdef int read = FROM_ITEMS
    cdef Py_ssize_t size
    if _map_view is None:
        from vtl.runtime.methods import MapView, values_of
        _map_view, _values_of = MapView, values_of
    if type(source) is _map_view:  # keySet(), values(), entrySet(): the commonest after lists
        backing = source.mapping
        reader = source.read
        if reader is _values_of:
            items, read = list(<dict>backing), FROM_MAP
        else:
            items = reader(backing)
    elif isinstance(source, list):
        items, backing, read = source, source, FROM_LIST
    elif isinstance(source, dict):
        items, backing, read = list(<dict>source), source, FROM_MAP
    elif isinstance(source, JavaObject):
        walk = getattr(source, "iteration_items", None)
        if not walk:
            return None
        items = walk()
        if type(items) is not list:
            items = list(items)
    else:
        return None
    size = len(items)
    if size == 0:
        return None
    if limit is not None and size > <Py_ssize_t>limit:
        size = <Py_ssize_t>limit
    return items, backing, read, size, limit


def walk_ends(backing, Py_ssize_t size, Py_ssize_t cursor):
    return len(backing) != size and _native.walk_ends(backing, size, cursor)  # its rule and error, once


cdef Py_ssize_t LOOP_CHUNK = _native.LOOP_CHUNK


cdef class LoopOutput:
    cdef public list parts
    cdef public object write

    def __init__(self, write):
        self.parts = []
        self.write = write

    def close(self):
        self.write("".join(self.parts))
        del self.parts[:]
        return self.write


cdef class _LoopItems:
    """loop_items' iterator: one C call per turn where enumerate() and the generated
    code's bookkeeping took several."""
    cdef object items  # a list (the source itself when it is one: maybe a subclass)
    cdef object state, backing
    cdef LoopOutput output
    cdef Py_ssize_t index, size, backing_size, limit  # limit: -1 for none
    cdef int read  # FROM_ITEMS, FROM_LIST, FROM_MAP
    cdef bint tracked

    def __iter__(self):
        return self

    def __next__(self):
        global _turns
        cdef list parts = self.output.parts
        if self.index >= 0 and len(parts) > LOOP_CHUNK:
            self.output.write("".join(parts))
            del parts[:]
        self.index += 1
        if self.index > self.size:
            raise StopIteration
        if self.backing is not None and self.index > 0 and self.index != self.limit \
                and len(self.backing) != self.backing_size \
                and _native.walk_ends(self.backing, self.backing_size, self.index):
            raise StopIteration
        if self.index == self.size:
            raise StopIteration
        _turns += 1
        if (_turns & TURNS_MASK) == 0:
            _check_render_time()
        if self.tracked:
            self.state.index = self.index
            self.state.hasNext = self.index + 1 < self.size
        if self.read == FROM_LIST:
            return (<list>self.backing)[self.index]
        if self.read == FROM_MAP:
            return (<dict>self.backing).get(self.items[self.index])
        return self.items[self.index]


cdef object _ForeachState = None  # vtl.runtime.core.ForeachState (that module imports this one)
cdef Py_ssize_t TURNS_MASK = _native.TURNS_PER_CHECK - 1  # a power of two
cdef object _check_render_time = _native.check_render_time
cdef size_t _turns = 0  # loop turns and starts, across loops and threads (a sampling count)


def start_loop(source, parent, limit, bint tracked=True):
    global _ForeachState, _turns
    walk = live_walk(source, limit)
    if walk is None:
        return None
    _turns += 1
    if (_turns & TURNS_MASK) == 0:
        _check_render_time()
    if not tracked:
        return walk
    if _ForeachState is None:
        from vtl.runtime.core import ForeachState
        _ForeachState = ForeachState
    state = _ForeachState((<tuple>walk)[3], parent)
    state.walk = walk
    return state


def loop_items(loop, LoopOutput output not None, bint tracked=True):
    cdef _LoopItems walk = _LoopItems.__new__(_LoopItems)
    walk.items, walk.backing, walk.read, walk.size, limit = loop.walk if tracked else loop
    walk.backing_size = -1 if walk.backing is None else len(walk.backing)
    walk.limit = -1 if limit is None else limit
    walk.index = -1
    walk.state, walk.output, walk.tracked = loop, output, tracked
    return walk
