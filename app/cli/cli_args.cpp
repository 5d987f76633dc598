#include "cli/cli_args.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace qt::cli {
namespace {

const char* const kHelpOption = "-h, --help";

bool is_help(const std::string& arg) { return arg == "--help" || arg == "-h"; }

std::string option_label(const OptionSpec& o) {
    std::string label = std::string("--") + o.name;
    if (o.value_name) label += std::string(" ") + o.value_name;
    return label;
}

}  // namespace

std::string help_text(const CommandSpec& spec) {
    std::string text = std::string("usage: quanttune-cli ") + spec.name + " " + spec.usage + "\n\n" + spec.summary +
                       "\n\noptions:\n";
    size_t width = std::char_traits<char>::length(kHelpOption);
    for (const OptionSpec& o : spec.options) width = std::max(width, option_label(o).size());
    auto add_line = [&](const std::string& label, const char* help) {
        text += "  " + label + std::string(width - label.size() + 3, ' ') + help + "\n";
    };
    for (const OptionSpec& o : spec.options) add_line(option_label(o), o.help);
    add_line(kHelpOption, "print this help and exit");
    return text;
}

Args::Args(const std::vector<std::string>& argv, const CommandSpec& spec) : command_(spec.name) {
    for (const OptionSpec& o : spec.options) declared_[o.name] = o.value_name == nullptr;
    // The first problem is kept, not thrown, until we know whether help was asked for.
    std::string first_error;
    auto fail = [&](const std::string& what) {
        if (first_error.empty()) first_error = what;
    };
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (is_help(a)) {
            help_requested_ = true;
            continue;
        }
        if (a.rfind("--", 0) != 0 || a == "--") {
            positionals_.push_back(a);
            continue;
        }
        std::string name = a.substr(2), value;
        const auto eq = name.find('=');
        const bool inline_value = eq != std::string::npos;
        if (inline_value) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const auto option = declared_.find(name);
        if (name == "help") {
            if (inline_value) fail("option --help takes no value");
            else help_requested_ = true;
        } else if (option == declared_.end()) {
            fail("unknown option --" + name);
        } else if (option->second) {
            if (inline_value) fail("option --" + name + " takes no value");
            else flags_.insert(name);
        } else {
            // A value option takes the next argument as it is, even one starting with
            // "--", except a help request: help must win wherever it stands, so a
            // value of "--help" or "-h" is given as --name=--help.
            if (!inline_value) {
                if (i + 1 >= argv.size() || is_help(argv[i + 1])) {
                    fail("option --" + name + " needs a value");
                    continue;
                }
                value = argv[++i];
            }
            values_[name] = value;
        }
    }
    if (!help_requested_ && !first_error.empty()) throw UsageError(first_error);
}

void Args::require_declared(const std::string& name, bool is_flag) const {
    const auto it = declared_.find(name);
    if (it == declared_.end() || it->second != is_flag)
        throw std::logic_error("quanttune-cli " + command_ + " reads --" + name + " as a " +
                               (is_flag ? "flag" : "value option") + ", but its option table does not declare it so");
}

bool Args::flag(const std::string& name) const {
    require_declared(name, true);
    return flags_.count(name) > 0;
}

bool Args::has(const std::string& name) const {
    require_declared(name, false);
    return values_.count(name) > 0;
}

std::string Args::str(const std::string& name, const std::string& fallback) const {
    require_declared(name, false);
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

long long Args::integer(const std::string& name, long long fallback) const {
    require_declared(name, false);
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(it->second.c_str(), &end, 10);
    if (errno != 0 || end == it->second.c_str() || *end != '\0')
        throw UsageError("option --" + name + " expects an integer, got \"" + it->second + "\"");
    return v;
}

double Args::number(const std::string& name, double fallback) const {
    require_declared(name, false);
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(it->second.c_str(), &end);
    if (errno != 0 || end == it->second.c_str() || *end != '\0')
        throw UsageError("option --" + name + " expects a number, got \"" + it->second + "\"");
    return v;
}

}  // namespace qt::cli
