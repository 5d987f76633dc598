#pragma once
// A small argument reader for the CLI's subcommands: positionals and --name value
// options, each option declared before use so that a typo is an error.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace qt::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // `value_options` take a value (--top-k 40), `flags` do not (--chat).
    Args(const std::vector<std::string>& argv, const std::set<std::string>& value_options,
         const std::set<std::string>& flags);
    const std::vector<std::string>& positionals() const { return positionals_; }
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string str(const std::string& name, const std::string& fallback) const;
    long long integer(const std::string& name, long long fallback) const;
    double number(const std::string& name, double fallback) const;

private:
    std::vector<std::string> positionals_;
    std::set<std::string> flags_;
    std::map<std::string, std::string> values_;
};

}  // namespace qt::cli
