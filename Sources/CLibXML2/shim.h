#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
#ifdef LIBXML_ICU_ENABLED
/* Keep the system ICU headers out of this clang module: they clash with the toolchain's
   _FoundationICU in any Swift module that also imports Foundation (fails only on clean builds).
   libxml2's public headers need UConverter only as an opaque pointer, and UChar. */
#define UCNV_H 1
typedef struct UConverter UConverter;
typedef __CHAR16_TYPE__ UChar;
#endif
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlmemory.h>
/* xmlFree is a mutable C global; Swift 6 rejects reading it. */
static inline void clibxml2_free(void *p) { xmlFree(p); }
#endif
