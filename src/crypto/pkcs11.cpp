#include "sdc/crypto/pkcs11.h"

#include <dlfcn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "sdc/crypto/crypto.h"
#include "sdc/util/file.h"

namespace sdc::crypto {
namespace {

// DER of the named curve prime256v1 (1.2.840.10045.3.1.7), CKA_EC_PARAMS.
constexpr std::uint8_t kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

std::string rv_text(CK_RV rv) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "CKR 0x%08lx", static_cast<unsigned long>(rv));
  return buf;
}

std::unexpected<Error> token_fail(const char* what, CK_RV rv) {
  return fail(Errc::crypto, std::string("PKCS#11 ") + what + " failed (" + rv_text(rv) + ")");
}

// A loaded, initialized module. One per library path for the whole process:
// C_Initialize may be called only once until C_Finalize.
class Module {
 public:
  static Result<std::shared_ptr<Module>> load(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<Module>> loaded;
    std::lock_guard lock(mutex);
    if (auto m = loaded[path].lock()) return m;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      return fail(Errc::not_found, "cannot load PKCS#11 module " + path + ": " + dlerror());
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
    CK_FUNCTION_LIST_PTR fns = nullptr;
    if (!get_list || get_list(&fns) != CKR_OK || !fns) {
      dlclose(handle);
      return fail(Errc::crypto, path + " is not a PKCS#11 module (no C_GetFunctionList)");
    }
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = fns->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      dlclose(handle);
      return token_fail("C_Initialize", rv);
    }
    auto m = std::shared_ptr<Module>(new Module(handle, fns, rv == CKR_OK));
    loaded[path] = m;
    return m;
  }
  ~Module() {
    if (finalize_) fns_->C_Finalize(nullptr);
    dlclose(handle_);
  }
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  CK_FUNCTION_LIST_PTR operator->() const { return fns_; }

 private:
  Module(void* h, CK_FUNCTION_LIST_PTR f, bool fin) : handle_(h), fns_(f), finalize_(fin) {}
  void* handle_;
  CK_FUNCTION_LIST_PTR fns_;
  bool finalize_;
};

struct UriFree {
  void operator()(P11KitUri* u) const { p11_kit_uri_free(u); }
};
using UriPtr = std::unique_ptr<P11KitUri, UriFree>;

struct ParsedUri {
  UriPtr uri;
  std::string module_path;
  std::string pin;
  std::vector<CK_ATTRIBUTE> names;  // CKA_LABEL and/or CKA_ID, pointing into `uri`
};

std::string trim_line(std::string s) {
  if (auto nl = s.find_first_of("\r\n"); nl != std::string::npos) s.resize(nl);
  return s;
}

Result<ParsedUri> parse_uri(std::string_view text) {
  ParsedUri p;
  p.uri.reset(p11_kit_uri_new());
  const std::string s(text);
  if (p11_kit_uri_parse(s.c_str(), P11_KIT_URI_FOR_ANY, p.uri.get()) != P11_KIT_URI_OK)
    return fail(Errc::parse,
                "not a PKCS#11 URI (RFC 7512): pkcs11:token=...;object=...?module-path=...");
  const char* module = p11_kit_uri_get_module_path(p.uri.get());
  if (!module || !*module)
    return fail(Errc::invalid_argument, "the PKCS#11 URI has no module-path (the token's library)");
  p.module_path = module;
  if (const char* v = p11_kit_uri_get_pin_value(p.uri.get()); v && *v) {
    p.pin = v;
  } else if (const char* src = p11_kit_uri_get_pin_source(p.uri.get()); src && *src) {
    std::string_view path = src;
    if (path.starts_with("file:")) path.remove_prefix(5);
    auto pin = read_file(std::string(path), 4096);
    if (!pin) return fail(Errc::io, "pin-source: " + pin.error().message);
    p.pin = trim_line(*pin);
  } else if (const char* env = std::getenv(kPkcs11PinVariable); env && *env) {
    p.pin = env;
  }
  for (CK_ATTRIBUTE_TYPE t : {CKA_LABEL, CKA_ID})
    if (CK_ATTRIBUTE_PTR a = p11_kit_uri_get_attribute(p.uri.get(), t)) p.names.push_back(*a);
  return p;
}

std::string uri_without_pin(std::string_view uri) {
  const auto q = uri.find('?');
  if (q == std::string_view::npos) return std::string(uri);
  std::string out(uri.substr(0, q));
  std::string_view rest = uri.substr(q + 1);
  char sep = '?';
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    std::string_view item = rest.substr(0, amp);
    if (!item.starts_with("pin-value=") && !item.empty()) {
      out += sep;
      out += item;
      sep = '&';
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

// A public P-256 key from CKA_EC_POINT: the uncompressed point, usually
// wrapped in a DER OCTET STRING.
EVP_PKEY* public_from_point(const std::vector<std::uint8_t>& der) {
  const std::uint8_t* point = der.data();
  std::size_t len = der.size();
  if (len == 67 && der[0] == 0x04 && der[1] == 65) {
    point += 2;
    len -= 2;
  }
  if (len != 65 || point[0] != 0x04) return nullptr;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (!bld) return nullptr;
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, len);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  if (ctx && params && EVP_PKEY_fromdata_init(ctx) == 1)
    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return key;
}

}  // namespace

struct Pkcs11Key::State {
  std::shared_ptr<Module> module;
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE login_session = CK_INVALID_HANDLE;  // holds the login
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  std::unique_ptr<EVP_PKEY, PkeyFree> public_key;
  std::string uri;
  std::mutex mutex;
  std::vector<CK_SESSION_HANDLE> idle;  // sessions for sign_es256

  ~State() {
    for (auto s : idle) (*module)->C_CloseSession(s);
    // No C_Logout: the login belongs to the token, shared with any other
    // key open on it; it ends with the application's last session.
    if (login_session != CK_INVALID_HANDLE) (*module)->C_CloseSession(login_session);
  }

  Result<CK_SESSION_HANDLE> borrow() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto s = idle.back();
        idle.pop_back();
        return s;
      }
    }
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    if (CK_RV rv = (*module)->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &s);
        rv != CKR_OK)
      return token_fail("C_OpenSession", rv);
    return s;
  }
  void give_back(CK_SESSION_HANDLE s) {
    std::lock_guard lock(mutex);
    idle.push_back(s);
  }

  Result<std::vector<CK_OBJECT_HANDLE>> find(CK_OBJECT_CLASS cls,
                                             const std::vector<CK_ATTRIBUTE>& names) {
    CK_KEY_TYPE type = CKK_EC;
    std::vector<CK_ATTRIBUTE> tmpl = {{CKA_CLASS, &cls, sizeof cls},
                                      {CKA_KEY_TYPE, &type, sizeof type}};
    tmpl.insert(tmpl.end(), names.begin(), names.end());
    auto& f = *module;
    if (CK_RV rv = f->C_FindObjectsInit(login_session, tmpl.data(), tmpl.size()); rv != CKR_OK)
      return token_fail("C_FindObjectsInit", rv);
    std::vector<CK_OBJECT_HANDLE> out(16);
    CK_ULONG n = 0;
    CK_RV rv = f->C_FindObjects(login_session, out.data(), out.size(), &n);
    f->C_FindObjectsFinal(login_session);
    if (rv != CKR_OK) return token_fail("C_FindObjects", rv);
    out.resize(n);
    return out;
  }

  Result<void> load_public(CK_OBJECT_HANDLE pub) {
    CK_ATTRIBUTE a = {CKA_EC_POINT, nullptr, 0};
    auto& f = *module;
    if (CK_RV rv = f->C_GetAttributeValue(login_session, pub, &a, 1); rv != CKR_OK)
      return token_fail("reading CKA_EC_POINT", rv);
    std::vector<std::uint8_t> point(a.ulValueLen);
    a.pValue = point.data();
    if (CK_RV rv = f->C_GetAttributeValue(login_session, pub, &a, 1); rv != CKR_OK)
      return token_fail("reading CKA_EC_POINT", rv);
    point.resize(a.ulValueLen);
    public_key.reset(public_from_point(point));
    if (!public_key) return fail(Errc::crypto, "the token's public key is not a P-256 point");
    return {};
  }
};

namespace {

// Loads the module, finds the token and logs in.
Result<std::shared_ptr<Pkcs11Key::State>> connect(const ParsedUri& p, std::string_view uri) {
  auto module = Module::load(p.module_path);
  if (!module) return std::unexpected(module.error());
  auto state = std::make_shared<Pkcs11Key::State>();
  state->module = *module;
  state->uri = uri_without_pin(uri);
  auto& f = *state->module;
  CK_ULONG count = 0;
  if (CK_RV rv = f->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK)
    return token_fail("C_GetSlotList", rv);
  std::vector<CK_SLOT_ID> slots(count);
  if (CK_RV rv = f->C_GetSlotList(CK_TRUE, slots.data(), &count); rv != CKR_OK)
    return token_fail("C_GetSlotList", rv);
  slots.resize(count);
  bool found = false;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (f->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if (p11_kit_uri_match_token_info(p.uri.get(), &info) == 1) {
      state->slot = slot;
      found = true;
      break;
    }
  }
  if (!found)
    return fail(Errc::not_found, "no token in " + p.module_path + " matches " + state->uri);
  if (CK_RV rv = f->C_OpenSession(state->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                  nullptr, &state->login_session);
      rv != CKR_OK)
    return token_fail("C_OpenSession", rv);
  if (p.pin.empty())
    return fail(Errc::unauthorized,
                std::string("no PIN for the token: give pin-source=FILE in the URI or set ") +
                    kPkcs11PinVariable);
  std::string pin = p.pin;
  CK_RV rv = f->C_Login(state->login_session, CKU_USER,
                        reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()), pin.size());
  std::fill(pin.begin(), pin.end(), '\0');
  if (rv == CKR_PIN_INCORRECT) return fail(Errc::unauthorized, "the token refused the PIN");
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) return token_fail("C_Login", rv);
  return state;
}

// A URI that names the key (object= or id=), as opening and making one need.
Result<ParsedUri> parse_named_uri(std::string_view uri) {
  auto p = parse_uri(uri);
  if (p && p->names.empty())
    return fail(Errc::invalid_argument, "the PKCS#11 URI names no key: add object=LABEL or id=...");
  return p;
}

}  // namespace

Result<Pkcs11Key> Pkcs11Key::open(std::string_view uri) {
  auto p = parse_named_uri(uri);
  if (!p) return std::unexpected(p.error());
  auto state = connect(*p, uri);
  if (!state) return std::unexpected(state.error());
  auto& s = **state;
  auto priv = s.find(CKO_PRIVATE_KEY, p->names);
  if (!priv) return std::unexpected(priv.error());
  if (priv->size() != 1)
    return fail(
        priv->empty() ? Errc::not_found : Errc::conflict,
        (priv->empty() ? "no EC private key matches " : "more than one private key matches ") +
            s.uri);
  s.key = priv->front();
  auto pub = s.find(CKO_PUBLIC_KEY, p->names);
  if (!pub) return std::unexpected(pub.error());
  if (pub->size() != 1)
    return fail(Errc::not_found, "no single public key beside the private key " + s.uri);
  if (auto r = s.load_public(pub->front()); !r) return std::unexpected(r.error());
  return Pkcs11Key(std::move(*state));
}

Result<Pkcs11Key> Pkcs11Key::generate_p256(std::string_view uri) {
  auto p = parse_named_uri(uri);
  if (!p) return std::unexpected(p.error());
  auto state = connect(*p, uri);
  if (!state) return std::unexpected(state.error());
  auto& s = **state;
  auto existing = s.find(CKO_PRIVATE_KEY, p->names);
  if (!existing) return std::unexpected(existing.error());
  if (!existing->empty())
    return fail(Errc::conflict,
                "the token already holds a key named by " + s.uri + "; not replacing it");
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  std::vector<CK_ATTRIBUTE> pub = {
      {CKA_EC_PARAMS, const_cast<std::uint8_t*>(kP256Params), sizeof kP256Params},
      {CKA_TOKEN, &yes, sizeof yes},
      {CKA_VERIFY, &yes, sizeof yes},
  };
  std::vector<CK_ATTRIBUTE> priv = {
      {CKA_TOKEN, &yes, sizeof yes},     {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_SIGN, &yes, sizeof yes},
  };
  pub.insert(pub.end(), p->names.begin(), p->names.end());
  priv.insert(priv.end(), p->names.begin(), p->names.end());
  CK_MECHANISM mech = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE pub_handle = CK_INVALID_HANDLE;
  auto& f = *s.module;
  if (CK_RV rv = f->C_GenerateKeyPair(s.login_session, &mech, pub.data(), pub.size(), priv.data(),
                                      priv.size(), &pub_handle, &s.key);
      rv != CKR_OK)
    return token_fail("C_GenerateKeyPair", rv);
  if (auto r = s.load_public(pub_handle); !r) return std::unexpected(r.error());
  return Pkcs11Key(std::move(*state));
}

Result<Bytes> Pkcs11Key::sign_es256(ByteView message) const {
  auto session = state_->borrow();
  if (!session) return std::unexpected(session.error());
  Digest digest = sha256(message);
  CK_MECHANISM mech = {CKM_ECDSA, nullptr, 0};
  auto& f = *state_->module;
  Bytes sig(64);
  CK_ULONG len = sig.size();
  CK_RV rv = f->C_SignInit(*session, &mech, state_->key);
  if (rv == CKR_OK) rv = f->C_Sign(*session, digest.data(), digest.size(), sig.data(), &len);
  if (rv != CKR_OK) {
    // A session in an unknown state is not reused.
    f->C_CloseSession(*session);
    return token_fail("C_Sign", rv);
  }
  state_->give_back(*session);
  if (len != 64) return fail(Errc::crypto, "the token's ECDSA signature is not 64 bytes");
  return sig;
}

EVP_PKEY* Pkcs11Key::public_key() const {
  return state_->public_key.get();
}

const std::string& Pkcs11Key::uri() const {
  return state_->uri;
}

Result<std::string> pkcs11_uri_without_pin(std::string_view uri) {
  if (!uri.starts_with("pkcs11:")) return fail(Errc::parse, "not a PKCS#11 URI (pkcs11:...)");
  return uri_without_pin(uri);
}

}  // namespace sdc::crypto
