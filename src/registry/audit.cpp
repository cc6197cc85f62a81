#include "sdc/registry/audit.h"

#include <sodium.h>

#include <charconv>
#include <map>
#include <mutex>
#include <vector>

#include "sdc/crypto/crypto.h"
#include "sdc/util/file.h"
#include "sdc/util/secret_file.h"

namespace sdc::registry {
namespace {

constexpr std::string_view kCheckpointTag = "sdc-audit-checkpoint-v1";
constexpr std::size_t kPage = 1000;

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();
  });
}

void put_u64(Bytes& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_field(Bytes& out, ByteView v) {
  put_u64(out, v.size());
  out.insert(out.end(), v.begin(), v.end());
}

std::string checkpoint_message(std::uint64_t seq, std::string_view hash_hex, UnixTime at) {
  return std::string(kCheckpointTag) + "\n" + std::to_string(seq) + "\n" + std::string(hash_hex) +
         "\n" + std::to_string(at) + "\n";
}

template <class T>
bool parse_int(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

struct ParsedCheckpoint {
  AuditCheckpoint cp;
  std::size_t line = 0;
};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) break;
    s = s.substr(at + 1);
  }
  return out;
}

AuditReport broken(std::uint64_t seq, std::string problem) {
  AuditReport r;
  r.intact = false;
  r.first_bad_seq = seq;
  r.problem = std::move(problem);
  return r;
}

}  // namespace

Bytes audit_event_hash(const AuditEvent& e) {
  Bytes buf;
  buf.reserve(256 + e.actor.size() + e.holder_id.size() + e.detail.size());
  put_field(buf, as_bytes("sdc-audit-v1"));
  put_u64(buf, e.seq);
  put_u64(buf, static_cast<std::uint64_t>(e.at));
  for (const std::string* s : {&e.actor, &e.role, &e.action, &e.holder_id, &e.outcome, &e.detail})
    put_field(buf, as_bytes(*s));
  put_field(buf, e.prev_hash);
  auto d = crypto::sha256(buf);
  return Bytes(d.begin(), d.end());
}

std::string audit_outcome(const Error& error) {
  return error.code == Errc::forbidden ? "denied" : to_string(error.code);
}

Result<AuditEvent> append_audit_event(Tx& tx, AuditEvent event) {
  std::vector<AuditEvent> one;
  one.push_back(std::move(event));
  auto r = append_audit_events(tx, std::move(one));
  if (!r) return std::unexpected(r.error());
  return std::move(r->front());
}

Result<std::vector<AuditEvent>> append_audit_events(Tx& tx, std::vector<AuditEvent> events) {
  if (auto r = chain_audit_events(tx, events); !r) return std::unexpected(r.error());
  return events;
}

Result<void> chain_audit_events(Tx& tx, std::span<AuditEvent> events) {
  auto head = tx.lock_audit_head();
  if (!head) return std::unexpected(head.error());
  std::uint64_t seq = head->seq;
  const Bytes* prev = &head->hash;
  for (AuditEvent& e : events) {
    e.seq = ++seq;
    e.prev_hash = *prev;
    e.hash = audit_event_hash(e);
    prev = &e.hash;
  }
  return tx.append_audit(events);
}

CheckpointKey::~CheckpointKey() {
  sodium_memzero(secret_key_.data(), secret_key_.size());
}

Result<CheckpointKey> CheckpointKey::generate() {
  ensure_sodium();
  CheckpointKey k;
  crypto_sign_keypair(k.public_key_.data(), k.secret_key_.data());
  return k;
}

Result<CheckpointKey> CheckpointKey::load(const std::filesystem::path& path) {
  ensure_sodium();
  auto text = read_secret_file(path, 1024);
  if (!text) return fail(text.error().code, "audit checkpoint key " + text.error().message);
  WipeOnExit wipe(*text);
  std::string_view t = *text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.remove_suffix(1);
  auto seed = hex_decode(t);
  if (!seed || seed->size() != crypto_sign_SEEDBYTES)
    return fail(Errc::parse, "audit checkpoint key " + path.string() +
                                 ": expected a 32-byte Ed25519 seed in hex");
  CheckpointKey k;
  crypto_sign_seed_keypair(k.public_key_.data(), k.secret_key_.data(), seed->data());
  sodium_memzero(seed->data(), seed->size());
  return k;
}

Result<void> CheckpointKey::save(const std::filesystem::path& path) const {
  ensure_sodium();
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  crypto_sign_ed25519_sk_to_seed(seed.data(), secret_key_.data());
  std::string text = hex_encode(seed) + "\n";
  sodium_memzero(seed.data(), seed.size());
  auto r = write_file_atomic(path, text, FileMode::owner_only);
  sodium_memzero(text.data(), text.size());
  return r;
}

Bytes CheckpointKey::sign(ByteView message) const {
  ensure_sodium();
  Bytes sig(crypto_sign_BYTES);
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return sig;
}

Result<AuditCheckpoint> write_audit_checkpoint(Store& store, const std::filesystem::path& file,
                                               const CheckpointKey& key, UnixTime now) {
  // Several writers in one process take turns; across processes each should
  // keep its own checkpoint file.
  static std::mutex file_mutex;
  auto head = store.in_transaction<AuditHead>([](Tx& tx) { return tx.lock_audit_head(); });
  if (!head) return std::unexpected(head.error());
  AuditCheckpoint cp{head->seq, head->hash, now};
  std::string hash_hex = hex_encode(cp.hash);
  Bytes sig = key.sign(as_bytes(checkpoint_message(cp.seq, hash_hex, cp.at)));
  std::string line = std::string(kCheckpointTag) + " " + std::to_string(cp.seq) + " " + hash_hex +
                     " " + std::to_string(cp.at) + " " + hex_encode(sig) + "\n";
  std::lock_guard lock(file_mutex);
  std::string text;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto old = read_file(file);
    if (!old) return std::unexpected(old.error());
    text = std::move(*old);
  }
  text += line;
  if (auto w = write_file_atomic(file, text); !w) return std::unexpected(w.error());
  return cp;
}

Result<std::vector<AuditCheckpoint>> parse_audit_checkpoints(
    std::string_view text, const std::array<std::uint8_t, 32>& public_key) {
  ensure_sodium();
  std::vector<AuditCheckpoint> out;
  std::uint64_t last_checkpoint = 0;
  std::size_t line_no = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    const std::string where = "checkpoint file line " + std::to_string(line_no);
    auto f = split(line, ' ');
    AuditCheckpoint cp;
    if (f.size() != 5 || f[0] != kCheckpointTag || !parse_int(f[1], cp.seq) ||
        !parse_int(f[3], cp.at))
      return fail(Errc::parse, where + ": malformed");
    auto hash = hex_decode(f[2]);
    auto sig = hex_decode(f[4]);
    if (!hash || hash->size() != 32 || !sig || sig->size() != crypto_sign_BYTES)
      return fail(Errc::parse, where + ": malformed");
    auto msg = checkpoint_message(cp.seq, f[2], cp.at);
    if (crypto_sign_verify_detached(sig->data(), reinterpret_cast<const unsigned char*>(msg.data()),
                                    msg.size(), public_key.data()) != 0)
      return fail(Errc::crypto, where + ": signature does not verify with the checkpoint key");
    if (cp.seq < last_checkpoint) return fail(Errc::parse, where + ": goes back in the chain");
    cp.hash = std::move(*hash);
    last_checkpoint = cp.seq;
    out.push_back(std::move(cp));
  }
  return out;
}

Result<AuditReport> verify_audit(Store& store, const std::filesystem::path& checkpoint_file,
                                 const std::array<std::uint8_t, 32>& public_key) {
  ensure_sodium();
  std::error_code ec;
  if (!std::filesystem::exists(checkpoint_file, ec))
    return broken(0, "no checkpoint file at " + checkpoint_file.string() +
                         ": the chain cannot be told from one recomputed from scratch");
  auto text = read_file(checkpoint_file);
  if (!text) return std::unexpected(text.error());

  auto checkpoints = parse_audit_checkpoints(*text, public_key);
  if (!checkpoints) return broken(0, checkpoints.error().message);
  // seq -> expected hash.
  std::map<std::uint64_t, Bytes> expected;
  std::uint64_t last_checkpoint = 0;
  for (const AuditCheckpoint& cp : *checkpoints) {
    auto [it, fresh] = expected.emplace(cp.seq, cp.hash);
    if (!fresh && !constant_time_equal(it->second, cp.hash))
      return broken(cp.seq,
                    "checkpoint file: two different hashes for record " + std::to_string(cp.seq));
    last_checkpoint = cp.seq;
  }

  Bytes prev(32, 0);
  std::uint64_t seq = 0;
  if (auto z = expected.find(0); z != expected.end() && !constant_time_equal(z->second, prev))
    return broken(0, "checkpoint for the empty chain does not match");
  for (;;) {
    auto page = store.in_read_transaction<std::vector<AuditEvent>>(
        [&](Tx& tx) { return tx.audit_events(seq + 1, kPage); });
    if (!page) return std::unexpected(page.error());
    for (const AuditEvent& e : *page) {
      if (e.seq != seq + 1)
        return broken(seq + 1, "record " + std::to_string(seq + 1) +
                                   " is missing (deleted, or records renumbered)");
      if (!constant_time_equal(e.prev_hash, prev))
        return broken(e.seq, "record " + std::to_string(e.seq) +
                                 " does not link to the record before it (inserted or deleted)");
      Bytes h = audit_event_hash(e);
      if (!constant_time_equal(h, e.hash))
        return broken(e.seq, "record " + std::to_string(e.seq) + " was altered");
      if (auto c = expected.find(e.seq); c != expected.end() && !constant_time_equal(c->second, h))
        return broken(e.seq, "record " + std::to_string(e.seq) +
                                 " differs from the signed checkpoint (chain rewritten)");
      prev = std::move(h);
      seq = e.seq;
    }
    if (page->size() < kPage) break;
  }
  if (last_checkpoint > seq)
    return broken(0, "the chain ends at record " + std::to_string(seq) +
                         " but a signed checkpoint covers record " +
                         std::to_string(last_checkpoint) + " (records cut off)");
  AuditReport ok;
  ok.intact = true;
  ok.records = seq;
  ok.checkpoints = checkpoints->size();
  return ok;
}

}  // namespace sdc::registry
