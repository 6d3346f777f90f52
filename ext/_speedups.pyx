# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True, binding=True, embedsignature=True
"""The Cython twin of :mod:`vtl._native`: the same helpers with the same signatures and results.

Built as ``vtl._speedups`` by the package's build (``setup.py``; optional: without a compiler the
pure-Python twin is used). :mod:`vtl.speedups` chooses between the two at import. Each function
here returns exactly what its pure twin returns (``tests/test_speedups.py`` compares them on
random inputs); where an input would make the JDK throw, the function calls its pure twin,
so every error and its message text exist once, in ``vtl/_native.py``.

Strings are read and written in CPython's own representation (1, 2 or 4 bytes per character),
two passes: one to measure, one to write into a string allocated once.
"""
from libc.math cimport copysign
from libc.string cimport memcpy
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (Py_UCS1, Py_UCS2, PyUnicode_1BYTE_DATA, PyUnicode_1BYTE_KIND,
                              PyUnicode_2BYTE_KIND, PyUnicode_4BYTE_KIND, PyUnicode_DATA,
                              PyUnicode_FromKindAndData, PyUnicode_GET_LENGTH, PyUnicode_KIND,
                              PyUnicode_New, PyUnicode_READ, PyUnicode_WRITE)

from decimal import Decimal

from vtl import _native
from vtl.runtime.objects import JavaObject

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
API_VERSION = 1

cdef extern from *:
    """
    #ifndef VTL_SPEEDUPS_SOURCE_HASH
    #define VTL_SPEEDUPS_SOURCE_HASH ""
    #endif
    """
    const char *VTL_SPEEDUPS_SOURCE_HASH

#: The hash of the .pyx this was built from (setup.py passes it): a build older than the source
#: in a checkout is ignored by vtl.speedups.
SOURCE_HASH = VTL_SPEEDUPS_SOURCE_HASH.decode("ascii")

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

cdef const char *B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
cdef signed char B64_VALUE[256]
cdef unsigned short B64_PAIRS[4096]  # the two characters of each 12-bit group, as stored in memory


cdef void _init_base64() noexcept:
    cdef int index
    for index in range(256):
        B64_VALUE[index] = -1
    for index in range(64):
        B64_VALUE[<unsigned char>B64[index]] = index
    cdef unsigned char pair[2]
    for index in range(4096):
        pair[0] = B64[index >> 6]
        pair[1] = B64[index & 0x3F]
        memcpy(&B64_PAIRS[index], pair, 2)


_init_base64()


def base64_encode(text):
    """Base64 (standard alphabet, padded) of the UTF-8 bytes."""
    _require_str(text)
    cdef bytes raw
    cdef const unsigned char *data
    cdef Py_ssize_t length, i = 0, o = 0
    cdef unsigned int triple
    if PyUnicode_IS_ASCII(text):
        data = PyUnicode_1BYTE_DATA(text)
        length = PyUnicode_GET_LENGTH(text)
    else:
        raw = _utf8(text)
        data = raw
        length = len(raw)
    result = PyUnicode_New((length + 2) // 3 * 4, 127)
    cdef Py_UCS1 *out = PyUnicode_1BYTE_DATA(result)
    while i + 2 < length:  # two characters per table look-up
        triple = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2]
        memcpy(out + o, &B64_PAIRS[triple >> 12], 2)
        memcpy(out + o + 2, &B64_PAIRS[triple & 0xFFF], 2)
        i += 3
        o += 4
    if length - i == 1:
        triple = data[i] << 16
        out[o] = B64[triple >> 18]
        out[o + 1] = B64[(triple >> 12) & 0x3F]
        out[o + 2] = 0x3D
        out[o + 3] = 0x3D
    elif length - i == 2:
        triple = (data[i] << 16) | (data[i + 1] << 8)
        out[o] = B64[triple >> 18]
        out[o + 1] = B64[(triple >> 12) & 0x3F]
        out[o + 2] = B64[(triple >> 6) & 0x3F]
        out[o + 3] = 0x3D
    return result


def base64_decode(text):
    """``java.util.Base64.getDecoder()``: strict alphabet, optional padding; bytes read as UTF-8."""
    _require_str(text)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), stripped = length, i, o = 0, padding
    if not PyUnicode_IS_ASCII(text):
        return _py_base64_decode(text)  # a character outside the alphabet: raises
    cdef const unsigned char *data = PyUnicode_1BYTE_DATA(text)
    while stripped > 0 and data[stripped - 1] == 0x3D:
        stripped -= 1
    padding = length - stripped
    if padding > 2 or (padding and length % 4) or stripped % 4 == 1:
        return _py_base64_decode(text)  # raises
    for i in range(stripped):
        if B64_VALUE[data[i]] < 0:
            return _py_base64_decode(text)  # raises
    cdef Py_ssize_t size = stripped // 4 * 3 + (stripped % 4 - 1 if stripped % 4 else 0)
    cdef char *out = <char *>PyMem_Malloc(size + 1)
    if out == NULL:
        raise MemoryError()
    cdef unsigned int quad
    try:
        i = 0
        while i + 3 < stripped:
            quad = ((B64_VALUE[data[i]] << 18) | (B64_VALUE[data[i + 1]] << 12)
                    | (B64_VALUE[data[i + 2]] << 6) | B64_VALUE[data[i + 3]])
            out[o] = <char>(quad >> 16)
            out[o + 1] = <char>((quad >> 8) & 0xFF)
            out[o + 2] = <char>(quad & 0xFF)
            i += 4
            o += 3
        if stripped - i == 2:
            quad = (B64_VALUE[data[i]] << 18) | (B64_VALUE[data[i + 1]] << 12)
            out[o] = <char>(quad >> 16)
        elif stripped - i == 3:
            quad = (B64_VALUE[data[i]] << 18) | (B64_VALUE[data[i + 1]] << 12) | (B64_VALUE[data[i + 2]] << 6)
            out[o] = <char>(quad >> 16)
            out[o + 1] = <char>((quad >> 8) & 0xFF)
        return PyUnicode_DecodeUTF8(out, size, "replace")
    finally:
        PyMem_Free(out)


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
    elif isinstance(value, _JavaObject):
        out.append(value.java_to_string())
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
