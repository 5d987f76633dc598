#pragma once
// A small argument reader for the CLI's subcommands: positionals and --name value
// options. Each command declares its options in one table (CommandSpec), which is
// both what the reader accepts, so that a typo is an error, and the command's
// --help page, so that the help cannot drift from what is parsed.
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

// One --name option of a command: a value option (--top-k 40) or a flag (--chat).
struct OptionSpec {
    const char* name;        // without the leading "--"
    const char* value_name;  // what the value is, e.g. "N" or "auto|cpu"; nullptr for a flag
    const char* help;        // one line: what it does, and its default
};

// A subcommand as its help page shows it; --help and -h are implied, not listed.
struct CommandSpec {
    const char* name;     // "train"
    const char* usage;    // what follows the name on the usage line, e.g. "MODEL [options]"
    const char* summary;  // one sentence, also shown by `quanttune-cli --help`
    std::vector<OptionSpec> options;
};

// `usage: quanttune-cli NAME USAGE`, the summary, then one aligned line per option.
std::string help_text(const CommandSpec& spec);

class Args {
public:
    // Reads argv against the command's option table: an unknown option, a flag given a
    // value or a value option without one is a UsageError naming the option. When
    // --help or -h appears, those errors are dropped and help_requested() is true, so
    // that help is shown whatever else the line holds.
    Args(const std::vector<std::string>& argv, const CommandSpec& spec);
    bool help_requested() const { return help_requested_; }
    const std::vector<std::string>& positionals() const { return positionals_; }
    bool flag(const std::string& name) const;
    bool has(const std::string& name) const;
    std::string str(const std::string& name, const std::string& fallback) const;
    long long integer(const std::string& name, long long fallback) const;
    double number(const std::string& name, double fallback) const;
    // The option's value (or `fallback`) through `parse`, an engine parser that throws
    // std::invalid_argument for an unknown name: that becomes a UsageError naming --name.
    template <typename Parse>
    auto parsed(const std::string& name, const std::string& fallback, Parse parse) const {
        const std::string value = str(name, fallback);
        try {
            return parse(value);
        } catch (const std::invalid_argument& e) {
            throw UsageError("--" + name + ": " + e.what());
        }
    }

private:
    // Throws std::logic_error when a command reads an option its table does not
    // declare: the table is its help page, so every option read must be in it.
    void require_declared(const std::string& name, bool is_flag) const;

    std::string command_;
    std::map<std::string, bool> declared_;  // option name -> is a flag
    bool help_requested_ = false;
    std::vector<std::string> positionals_;
    std::set<std::string> flags_;
    std::map<std::string, std::string> values_;
};

}  // namespace qt::cli
