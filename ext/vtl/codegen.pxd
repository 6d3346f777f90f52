# Types for vtl/codegen.py when Cython compiles it (setup.py; see ext/vtl/lexer.pxd).

cdef class _Function:
    cdef public str header
    cdef public object parameters  # a frozenset
    cdef public bint in_macro
    cdef public list lines
    cdef public Py_ssize_t loop_depth
    cdef public dict bindings
    cdef public set loop_states
    cdef public dict loop_items
    cdef public object loop_output  # a local's name, or None

cdef class CodeGenerator:
    cdef public list functions
    cdef public _Function current
    cdef public Py_ssize_t indent
    cdef public Py_ssize_t counter
    cdef public list macros
    cdef public list marks
    cdef public dict constants
    cdef public _TemplateFacts facts
    cdef public bint blocks_possible
    cdef public bint scoped_breaks
    cdef public bint no_midway_stop

    cpdef str fresh(self, str stem)
    cpdef emit(self, str line, span)
    cpdef str mark(self, tuple span)
    cpdef block(self, block)
    cpdef str printed(self, node)
    cpdef str value(self, node)
    cpdef bint hot(self) except -1
    cpdef str inline_reference(self, node)
    cpdef str null_source(self, node)

cdef class _BodyFacts:
    cdef public set referenced
    cdef public set assigned
    cdef public bint hidden_readers

cdef class _TemplateFacts:
    cdef public set kinds
    cdef public bint block_calls
    cdef public bint scoped_breaks
    cdef public dict loops

    cpdef _visit(self, node, tuple open_loops, Py_ssize_t depth)
