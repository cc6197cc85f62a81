// The SPECIMEN card's holder, the one place its person's fields are written.
#include "sdc/credential/specimen.h"

namespace sdc {

Holder specimen_holder() {
  Holder h;
  h.a_number = "123456789";
  h.family_name = "SPECIMEN";
  h.given_names = "SAMPLE";
  h.date_of_birth = "1990-01-01";
  h.sex = "X";
  h.nationality = "UTO";
  return h;
}

}  // namespace sdc
