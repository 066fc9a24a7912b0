// PCRE2 for 8-bit code units. Its API names are macros (pcre2_compile ->
// pcre2_compile_8) that Swift does not import, so the few calls AegisDetection
// makes are re-exported here as plain inline functions.
//
// No _GNU_SOURCE here: it changes how the system headers define shared types
// (fd_set's fds_bits), and a module importing this one next to another C
// module (Yams's CYaml, Dispatch) would then see two definitions of them.
#include <stddef.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Substring search for the engine's literal tests. glibc declares memmem
// only with _GNU_SOURCE, which Swift's Glibc module does not set: declared
// here as glibc defines it.
extern void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

static inline const void *aegis_memmem(const void *haystack, size_t haystack_length, const void *needle,
                                       size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}

static inline pcre2_code_8 *aegis_pcre2_compile(const unsigned char *pattern, size_t length, uint32_t options,
                                                 int *error_code, size_t *error_offset) {
    return pcre2_compile_8(pattern, length, options, error_code, error_offset, NULL);
}
static inline void aegis_pcre2_code_free(pcre2_code_8 *code) { pcre2_code_free_8(code); }
static inline int aegis_pcre2_jit_compile(pcre2_code_8 *code) { return pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE); }
static inline int aegis_pcre2_error_message(int code, unsigned char *buffer, size_t size) {
    return pcre2_get_error_message_8(code, buffer, size);
}
static inline pcre2_match_context_8 *aegis_pcre2_match_context_create(uint32_t match_limit, uint32_t depth_limit) {
    pcre2_match_context_8 *context = pcre2_match_context_create_8(NULL);
    if (context) {
        pcre2_set_match_limit_8(context, match_limit);
        pcre2_set_depth_limit_8(context, depth_limit);
    }
    return context;
}
static inline void aegis_pcre2_match_context_free(pcre2_match_context_8 *context) { pcre2_match_context_free_8(context); }
static inline pcre2_match_data_8 *aegis_pcre2_match_data_create(void) { return pcre2_match_data_create_8(1, NULL); }
static inline void aegis_pcre2_match_data_free(pcre2_match_data_8 *data) { pcre2_match_data_free_8(data); }
static inline int aegis_pcre2_match(const pcre2_code_8 *code, const unsigned char *subject, size_t length,
                                    pcre2_match_data_8 *data, pcre2_match_context_8 *context) {
    return pcre2_match_8(code, subject, length, 0, 0, data, context);
}
static inline pcre2_jit_stack_8 *aegis_pcre2_jit_stack_create(size_t start, size_t max) {
    return pcre2_jit_stack_create_8(start, max, NULL);
}
static inline void aegis_pcre2_jit_stack_free(pcre2_jit_stack_8 *stack) { pcre2_jit_stack_free_8(stack); }
static inline void aegis_pcre2_jit_stack_assign(pcre2_match_context_8 *context, pcre2_jit_stack_8 *stack) {
    pcre2_jit_stack_assign_8(context, NULL, stack);
}
