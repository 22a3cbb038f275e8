#ifndef ESCO_CCURL_SHIM_H
#define ESCO_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt/getinfo are variadic: Swift cannot call them, so give each argument type a typed wrapper.
static inline CURLcode esco_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode esco_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode esco_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode esco_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode esco_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*esco_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode esco_curl_setopt_write_function(CURL *h, CURLoption o, esco_curl_write_callback v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode esco_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode esco_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
// Progress callback (used to abort a transfer when its Swift task is cancelled); header callbacks reuse the write type.
typedef int (*esco_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode esco_curl_setopt_xferinfo_function(CURL *h, CURLoption o, esco_curl_xferinfo_callback v) { return curl_easy_setopt(h, o, v); }
#endif
