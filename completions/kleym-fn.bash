# bash completion for kleym-fn (installed by make install as
# share/bash-completion/completions/kleym-fn).
_kleym_fn()
{
    local cur prev words cword
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "${COMP_WORDS[1]}" = inspect ] && [ "$COMP_CWORD" -gt 1 ]; then
        case $prev in
        -o|--output) COMPREPLY=($(compgen -W 'text json markdown' -- "$cur")); return ;;
        --binding|--trust-domain|--class-name) return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--binding --output -o --strict --trust-domain --class-name --help' -- "$cur"))
        else
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi
    case $prev in
    --trust-domain|--class-name) return ;;
    esac
    if [ "$COMP_CWORD" -eq 1 ] && [[ $cur != -* ]]; then
        COMPREPLY=($(compgen -W 'inspect' -- "$cur"))
    else
        COMPREPLY=($(compgen -W '--trust-domain --class-name --help --version' -- "$cur"))
    fi
}
complete -F _kleym_fn kleym-fn
