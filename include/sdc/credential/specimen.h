// The SPECIMEN card's fictional holder, written once for the specimen card
// (card_render.h), `sdc demo` and tests.
#pragma once

#include "sdc/credential/credential.h"

namespace sdc {

// SPECIMEN, SAMPLE, of Utopia (UTO), born 1990-01-01, sex X, A-number
// 123456789: no real person. Only the person's fields are set;
// document_number, issuing_office and the portrait's digest and thumbnail
// are left empty for issuance (or the caller) to fill. Thread-safe; a fresh
// value each call.
Holder specimen_holder();

}  // namespace sdc
