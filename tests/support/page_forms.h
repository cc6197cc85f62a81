// What the page tests send and read as a browser without JavaScript does:
// form bodies (urlencoded and multipart), the officer session cookie of a
// sign-in through the form, and the CSRF token of a page.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <cctype>
#include <cstdio>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace sdc::test {

// application/x-www-form-urlencoded of (name, value) fields.
inline std::string form_encoded(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += name + '=';
    for (unsigned char c : value) {
      if (std::isalnum(c)) {
        out.push_back(static_cast<char>(c));
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
  }
  return out;
}

// (name, filename, data) parts; a part with a filename is a file.
using FormParts = std::vector<std::tuple<std::string, std::string, std::string>>;

// multipart/form-data with `boundary`, as a browser sends it.
inline std::string multipart(const std::string& boundary, const FormParts& parts,
                             const std::string& file_type = "image/png") {
  std::string b;
  for (const auto& [name, filename, data] : parts) {
    b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
    if (!filename.empty()) b += "; filename=\"" + filename + "\"\r\nContent-Type: " + file_type;
    b += "\r\n\r\n" + data + "\r\n";
  }
  return b + "--" + boundary + "--\r\n";
}

// The CSRF token a page's forms carry, empty when it has none.
inline std::string csrf_of(const std::string& html) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\""))) return {};
  return m[1];
}

// The officers' session cookie ("sdc_officer=...") of a signed-in answer of
// POST /console/login (a 303), checked for HttpOnly, SameSite=Strict and
// Path=/; empty (and a failure) otherwise.
inline std::string officer_cookie(const httplib::Result& res) {
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, 303) << res->body;
  std::string cookie;
  for (auto [it, end] = res->headers.equal_range("Set-Cookie"); it != end; ++it) {
    const std::string& v = it->second;
    if (!v.starts_with("sdc_officer=")) continue;
    EXPECT_NE(v.find("HttpOnly"), std::string::npos) << v;
    EXPECT_NE(v.find("SameSite=Strict"), std::string::npos) << v;
    EXPECT_NE(v.find("Path=/;"), std::string::npos) << v;
    cookie = v.substr(0, v.find(';'));
  }
  EXPECT_FALSE(cookie.empty()) << "no officer session cookie";
  return cookie;
}

// Signs in through the officers' form; the session cookie.
inline std::string sign_in_officer(httplib::Client client, const std::string& username,
                                   const std::string& password) {
  return officer_cookie(client.Post("/console/login",
                                    form_encoded({{"username", username}, {"password", password}}),
                                    "application/x-www-form-urlencoded"));
}

}  // namespace sdc::test
