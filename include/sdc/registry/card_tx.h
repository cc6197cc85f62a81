// The card aggregate of a store transaction: cards and the published
// validity list with its packed entries. Part of Tx (store.h); a function
// that touches only cards may take a CardTx&.
//
// Valid only inside the callback of Store::in_transaction, on the calling
// thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sdc/registry/types.h"
#include "sdc/util/bytes.h"
#include "sdc/util/error.h"

namespace sdc::registry {

// A card as stored: the barcode sealed, everything else in the clear.
struct CardRow {
  std::string document_number;
  std::string holder_id;
  std::uint64_t card_version = 1;
  std::uint64_t status_index = 0;
  CardState state = CardState::valid;
  UnixTime issued_at = 0;
  UnixTime expires_at = 0;
  Bytes sealed_barcode;
  std::string state_reason;
  UnixTime updated_at = 0;

  bool operator==(const CardRow&) const = default;
};

// The last published validity list.
struct PublishedStatusList {
  UnixTime iat = 0;
  Bytes token;
};

// A duplicate document number or status index is Errc::conflict and asks
// for a retry (Tx::retry_requested).
class CardTx {
 public:
  virtual ~CardTx() = default;

  virtual Result<void> insert_card(const CardRow& row) = 0;
  // Errc::not_found if there is no such card.
  virtual Result<void> update_card_state(const std::string& document_number, CardState state,
                                         const std::string& reason, UnixTime at) = 0;
  virtual Result<std::optional<CardRow>> get_card(const std::string& document_number) = 0;
  // Oldest version first.
  virtual Result<std::vector<CardRow>> cards_of_holder(const std::string& holder_id) = 0;
  virtual Result<bool> document_number_taken(const std::string& document_number) = 0;
  virtual Result<bool> status_index_taken(std::uint64_t index) = 0;
  // Every card's (status index, state), for building the validity list.
  virtual Result<std::vector<std::pair<std::uint64_t, CardState>>> card_states() = 0;

  // Locks the published-list row until the transaction ends, so that two
  // registries on one database never publish the same or a smaller iat.
  virtual Result<std::optional<PublishedStatusList>> lock_status_list() = 0;

  // The list's packed 2-bit entries are kept beside its token, so that a
  // card change rewrites only its own entries instead of reading every card.
  // The registry keeps them equal to the cards table in every transaction
  // that changes a card's state.

  // The stored entries (index i in bits 2(i%4)..2(i%4)+1 of byte i/4).
  // Empty before any were saved; shorter than the list when the entries past
  // the end were never set. Read after lock_status_list().
  virtual Result<Bytes> status_list_bits() = 0;
  // Saves a token and the entries it was built from. Errc::conflict (and a
  // retry) unless list.iat is greater than the stored iat.
  virtual Result<void> save_status_list(const PublishedStatusList& list, ByteView bits) = 0;
  // Replaces the stored entries and leaves the token as it is (migrations).
  virtual Result<void> save_status_list_bits(ByteView bits) = 0;

  // Card changes waiting for the next publication (the registry's
  // publish_interval): a change queues its (status index, new state) in its
  // own transaction, so it is durable at once without taking the list's
  // lock; a publication takes them all and folds them into the entries.
  virtual Result<void> queue_status_change(std::uint64_t index, CardState state) = 0;
  // Removes and returns every queued change committed so far, oldest first.
  // Read after lock_status_list(): a change committed meanwhile stays
  // queued for the next publication.
  virtual Result<std::vector<std::pair<std::uint64_t, CardState>>> take_status_changes() = 0;
  // Whether any change is queued (a cheap read, without the list's lock).
  virtual Result<bool> status_changes_queued() = 0;
};

}  // namespace sdc::registry
