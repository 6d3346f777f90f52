# Types for vtl/lexer.py when Cython compiles it (setup.py). The .py stays the one source: these
# declarations only let the compiled module keep the scanner's state in C fields and call its
# own methods directly. Nothing here may change what the pure-Python module does: a field typed
# Py_ssize_t or bint only ever holds an int or a bool there.

import cython

cdef class Token:
    cdef public str type
    cdef public str value
    cdef public Py_ssize_t start_pos
    cdef public Py_ssize_t end_pos
    cdef public Scanner _scanner

cpdef Token make_token(str kind, str value, Py_ssize_t start_pos=*, Py_ssize_t end_pos=*, Scanner scanner=*)

cdef class Scanner:
    cdef public str source
    cdef public bint lone_sigil_at_end_is_error
    cdef public Py_ssize_t pos
    cdef public Py_ssize_t first_line
    cdef public Py_ssize_t first_column
    cdef public list line_starts
    cdef public list out
    cdef public list pending_text
    cdef public object text_start  # an offset, or None
    cdef public Py_ssize_t fresh_from
    cdef public bint pre_directive
    cdef public Py_ssize_t reference_end
    cdef public bint reference_modifier
    cdef public Py_ssize_t modifiers_left
    cdef public Py_ssize_t expression_depth

    cpdef str advance(self, Py_ssize_t count)
    cpdef token(self, str kind, str value)
    cpdef add_text(self, Py_ssize_t count)
    cpdef flush_text(self)
    cpdef mark_token_boundary(self)
    @cython.locals(source=str, length=Py_ssize_t, pos=Py_ssize_t, char=Py_UCS4, end=Py_ssize_t)
    cpdef list scan(self)
    cpdef hash_in_text(self, Py_ssize_t pos)
    cpdef bint reference_starts_here(self, Py_ssize_t at) except -1
    cpdef bint dollar_run_before_hash(self, Py_ssize_t at) except -1
    cpdef backslashes(self)
    cpdef literal_backslashes(self)
    @cython.locals(source=str, at=Py_ssize_t, nxt=str, end=Py_ssize_t, braced=bint, block_call=bint)
    cpdef bint hash(self) except -1
    cpdef swallow_line_end(self)
    cpdef bint argument_directive(self, str name, Py_ssize_t end) except -1
    cpdef directive_with_arguments(self, str kind, Py_ssize_t end, Py_ssize_t paren)
    @cython.locals(source=str, out=list, start=Py_ssize_t, end=Py_ssize_t, middle=Py_ssize_t, following=str, value=str)
    cpdef reference(self, bint in_text=*, simple=*)
    cpdef after_reference(self, bint modifier, bint via_comment=*)
    cpdef curly_after_reference(self, bint modifier=*)
    @cython.locals(source=str, out=list, length=Py_ssize_t, pos=Py_ssize_t, end=Py_ssize_t, char=Py_UCS4)
    cpdef bint reference_tail(self, bint modifier=*) except -1
    @cython.locals(source=str, pos=Py_ssize_t, char=str)
    cpdef expression(self, str closer, str close_kind)
    cpdef string_literal(self, str quote)
